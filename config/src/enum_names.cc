// One table per enum keeps to_string and its parser from drifting apart.
#include <array>
#include <utility>

#include "bidline/config/config.h"

namespace bidline {

namespace {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<MediaType, 4> kMediaNames{{
    {MediaType::banner, "banner"},
    {MediaType::video, "video"},
    {MediaType::native, "native"},
    {MediaType::audio, "audio"},
}};

constexpr NameTable<BidStrategy, 6> kStrategyNames{{
    {BidStrategy::manual_cpm, "manual_cpm"},
    {BidStrategy::manual_cpc, "manual_cpc"},
    {BidStrategy::max_clicks, "max_clicks"},
    {BidStrategy::target_cpa, "target_cpa"},
    {BidStrategy::target_roas, "target_roas"},
    {BidStrategy::max_conversions, "max_conversions"},
}};

constexpr NameTable<PacingMode, 4> kPacingNames{{
    {PacingMode::even, "even"},
    {PacingMode::traffic, "traffic"},
    {PacingMode::asap, "asap"},
    {PacingMode::front_loaded, "front_loaded"},
}};

constexpr NameTable<RequestLogMode, 3> kRequestLogNames{{
    {RequestLogMode::off, "off"},
    {RequestLogMode::sampled, "sampled"},
    {RequestLogMode::full, "full"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [e, name] : table)
        if (e == value) return name;
    return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const NameTable<Enum, N>& table, std::string_view name) {
    for (const auto& [e, n] : table)
        if (n == name) return e;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(MediaType m) { return name_of(kMediaNames, m); }
std::string_view to_string(BidStrategy s) { return name_of(kStrategyNames, s); }
std::string_view to_string(PacingMode p) { return name_of(kPacingNames, p); }
std::string_view to_string(RequestLogMode m) { return name_of(kRequestLogNames, m); }

std::optional<MediaType> parse_media_type(std::string_view s) { return value_of(kMediaNames, s); }
std::optional<BidStrategy> parse_bid_strategy(std::string_view s) { return value_of(kStrategyNames, s); }
std::optional<PacingMode> parse_pacing_mode(std::string_view s) { return value_of(kPacingNames, s); }
std::optional<RequestLogMode> parse_request_log_mode(std::string_view s) { return value_of(kRequestLogNames, s); }

}  // namespace bidline
