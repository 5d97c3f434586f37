// One pass over a line's fields with simdjson On-Demand, in whatever order
// they come; a bit per field records presence (and catches duplicates);
// the per-type required fields are checked once the whole object is read,
// because "type" may come last.
#include "bidline/feeds/event_line_parser.h"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <vector>

#include "bidline/feeds/time_text.h"

namespace bidline::feeds {

namespace od = simdjson::ondemand;

namespace {

enum Field : std::uint8_t {
    f_type, f_event_id, f_request_id, f_imp_id, f_bid_id, f_line_item, f_creative, f_campaign, f_ts,
    f_price, f_reason, f_min_to_win, f_value, f_currency, f_source, f_platform, f_spend, f_impressions,
    f_clicks, f_conversions, f_conversion_value, f_user_id, f_count
};

constexpr std::array<std::string_view, f_count> kFieldNames = {
    "type",  "event_id",   "request_id", "imp_id",   "bid_id", "line_item", "creative",
    "campaign", "ts",      "price",      "reason",   "min_to_win", "value", "currency",
    "source", "platform",  "spend",      "impressions", "clicks", "conversions", "conversion_value",
    "user_id"};

constexpr std::uint32_t bit(Field f) { return 1u << f; }

constexpr std::uint32_t kCommon = bit(f_type) | bit(f_event_id) | bit(f_ts);

constexpr std::uint32_t required_fields(EventKind kind) {
    switch (kind) {
        case EventKind::bid: return kCommon | bit(f_request_id) | bit(f_bid_id) | bit(f_line_item) | bit(f_price);
        case EventKind::win: return kCommon | bit(f_bid_id) | bit(f_line_item) | bit(f_price);
        case EventKind::loss: return kCommon | bit(f_bid_id) | bit(f_reason);
        case EventKind::impression: return kCommon | bit(f_bid_id) | bit(f_line_item);
        case EventKind::click:
        case EventKind::conversion: return kCommon;  // plus bid_id or request_id + imp_id
        case EventKind::spend_report: return kCommon | bit(f_campaign) | bit(f_spend);
    }
    return kCommon;
}

int field_index(std::string_view key) {
    for (std::size_t i = 0; i < kFieldNames.size(); ++i)
        if (kFieldNames[i].size() == key.size() && kFieldNames[i][0] == key[0] && kFieldNames[i] == key)
            return static_cast<int>(i);
    return -1;
}

// Prices above this are typos (CPM 1e6 is already absurd); the bound also
// keeps micros far from int64 overflow.
constexpr double kMaxCpm = 1e6;
constexpr double kMaxUnits = 1e12;

// Millisecond timestamps of kEarliestEventTime and kLatestEventTime.
constexpr std::int64_t kEarliestMs = 946684800000;
constexpr std::int64_t kLatestMs = 4102444800000;

FeedError json_error(simdjson::error_code e) {
    return FeedError::format(FeedErrc::invalid_json, "invalid JSON: %s", simdjson::error_message(e));
}

FeedError value_error(Field f, const char* expected, simdjson::error_code e) {
    switch (e) {
        case simdjson::INCORRECT_TYPE:
            return FeedError::format(FeedErrc::wrong_type, "%s: expected %s", kFieldNames[f].data(), expected);
        case simdjson::NUMBER_ERROR:
        case simdjson::NUMBER_OUT_OF_RANGE:
            return FeedError::format(FeedErrc::out_of_range, "%s: number out of range", kFieldNames[f].data());
        default: return json_error(e);
    }
}

// The values of one line before the per-type checks.
struct LineValues {
    double price = 0;
    double min_to_win = 0;
    double value = 0;
    double spend = 0;
    double conversion_value = 0;
};

class LineReader {
public:
    LineReader(Event& out, LineValues& values) : out_(out), values_(values) {}

    FeedError read(Field f, od::value v) {
        switch (f) {
            case f_type: return read_type(v);
            case f_event_id: return read_text(f, v, out_.event_id);
            case f_request_id: return read_text(f, v, out_.request_id);
            case f_imp_id: return read_text(f, v, out_.imp_id);
            case f_bid_id: return read_text(f, v, out_.bid_id);
            case f_line_item: return read_text(f, v, out_.line_item_id);
            case f_creative: return read_text(f, v, out_.creative_id);
            case f_campaign: return read_text(f, v, out_.campaign_id);
            case f_source: return read_text(f, v, out_.source);
            case f_user_id: return read_text(f, v, out_.user_id);
            case f_ts: return read_ts(v);
            case f_price: return read_amount(f, v, kMaxCpm, values_.price);
            case f_min_to_win: return read_amount(f, v, kMaxCpm, values_.min_to_win);
            case f_value: return read_amount(f, v, kMaxUnits, values_.value);
            case f_spend: return read_amount(f, v, kMaxUnits, values_.spend);
            case f_conversion_value: return read_amount(f, v, kMaxUnits, values_.conversion_value);
            case f_conversions: return read_amount(f, v, kMaxUnits, out_.spend.conversions);
            case f_reason: return read_count(f, v, INT32_MAX, out_.loss_reason);
            case f_impressions: return read_count(f, v, INT64_MAX, out_.spend.impressions);
            case f_clicks: return read_count(f, v, INT64_MAX, out_.spend.clicks);
            case f_currency: return read_currency(v);
            case f_platform: return read_platform(v);
            case f_count: break;
        }
        return {};
    }

private:
    static FeedError get_text(Field f, od::value v, std::string_view& s) {
        if (auto e = v.get_string().get(s)) return value_error(f, "a string", e);
        return {};
    }

    FeedError read_type(od::value v) {
        std::string_view s;
        if (auto err = get_text(f_type, v, s); !err.ok()) return err;
        const auto kind = event_kind_from_name(s);
        if (!kind)
            return FeedError::format(FeedErrc::unknown_type,
                                     "type: unknown event type \"%.*s\" (bid, win, loss, impression, click, "
                                     "conversion, spend_report)",
                                     static_cast<int>(std::min<std::size_t>(s.size(), 24)), s.data());
        out_.kind = *kind;
        return {};
    }

    FeedError read_text(Field f, od::value v, EventText& out) {
        std::string_view s;
        if (auto err = get_text(f, v, s); !err.ok()) return err;
        if (s.empty()) return FeedError::format(FeedErrc::missing_field, "%s: empty", kFieldNames[f].data());
        if (!out.assign(s))
            return FeedError::format(FeedErrc::text_too_long, "%s: longer than %zu bytes", kFieldNames[f].data(),
                                     EventText::kCapacity);
        return {};
    }

    FeedError read_ts(od::value v) {
        od::json_type type;
        if (auto e = v.type().get(type)) return json_error(e);
        if (type == od::json_type::string) {
            std::string_view s;
            if (auto err = get_text(f_ts, v, s); !err.ok()) return err;
            if (!parse_rfc3339(s, out_.ts))
                return FeedError::format(FeedErrc::bad_timestamp,
                                         "ts: \"%.*s\" is not an RFC 3339 time like \"2026-11-23T10:00:00Z\"",
                                         static_cast<int>(std::min<std::size_t>(s.size(), 40)), s.data());
            if (out_.ts < kEarliestEventTime || out_.ts >= kLatestEventTime)
                return FeedError(FeedErrc::bad_timestamp, "ts: outside the years 2000-2099");
            return {};
        }
        if (type == od::json_type::number) {
            std::int64_t ms = 0;
            if (v.get_int64().get(ms) != simdjson::SUCCESS)
                return FeedError(FeedErrc::bad_timestamp, "ts: expected integer milliseconds since the epoch");
            if (ms < kEarliestMs || ms >= kLatestMs)
                return FeedError::format(FeedErrc::bad_timestamp,
                                         "ts: %lld is outside the years 2000-2099 in milliseconds since the epoch",
                                         static_cast<long long>(ms));
            out_.ts = UtcMicros{std::chrono::milliseconds{ms}};
            return {};
        }
        return FeedError(FeedErrc::wrong_type,
                         "ts: expected an RFC 3339 string or integer milliseconds since the epoch");
    }

    static FeedError read_amount(Field f, od::value v, double max, double& out) {
        if (auto e = v.get_double().get(out)) return value_error(f, "a number", e);
        if (!(out >= 0)) return FeedError::format(FeedErrc::out_of_range, "%s: negative", kFieldNames[f].data());
        if (!(out <= max))
            return FeedError::format(FeedErrc::out_of_range, "%s: above %g", kFieldNames[f].data(), max);
        return {};
    }

    template <class Int>
    static FeedError read_count(Field f, od::value v, std::int64_t max, Int& out) {
        std::int64_t n = 0;
        if (auto e = v.get_int64().get(n)) return value_error(f, "an integer", e);
        if (n < 0) return FeedError::format(FeedErrc::out_of_range, "%s: negative", kFieldNames[f].data());
        if (n > max) return FeedError::format(FeedErrc::out_of_range, "%s: too large", kFieldNames[f].data());
        out = static_cast<Int>(n);
        return {};
    }

    FeedError read_currency(od::value v) {
        std::string_view s;
        if (auto err = get_text(f_currency, v, s); !err.ok()) return err;
        const bool iso = s.size() == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
                         s[2] >= 'A' && s[2] <= 'Z';
        if (!iso || !out_.currency.assign(s))
            return FeedError(FeedErrc::bad_currency, "currency: expected an ISO 4217 code like \"USD\"");
        return {};
    }

    FeedError read_platform(od::value v) {
        std::string_view s;
        if (auto err = get_text(f_platform, v, s); !err.ok()) return err;
        const auto platform = platform_from_name(s);
        if (!platform)
            return FeedError(FeedErrc::out_of_range,
                             "platform: expected one of exchange, google_ads, meta, tiktok");
        out_.platform = *platform;
        return {};
    }

    Event& out_;
    LineValues& values_;
};

FeedError check_required(const Event& e, std::uint32_t seen) {
    if (!(seen & bit(f_type))) return FeedError(FeedErrc::missing_field, "missing \"type\"");
    const std::uint32_t missing = required_fields(e.kind) & ~seen;
    if (missing != 0) {
        const Field f = static_cast<Field>(__builtin_ctz(missing));
        return FeedError::format(FeedErrc::missing_field, "missing \"%s\" (required for %s)", kFieldNames[f].data(),
                                 to_string(e.kind).data());
    }
    if (e.kind == EventKind::click || e.kind == EventKind::conversion) {
        // A conversion of a user we never bid for (a holdout user, an
        // advertiser's pixel) has no bid to join: its user id is enough.
        const bool joinable = !e.bid_id.empty() || (!e.request_id.empty() && !e.imp_id.empty()) ||
                              (e.kind == EventKind::conversion && !e.user_id.empty());
        if (!joinable)
            return FeedError::format(FeedErrc::missing_field, "missing \"bid_id\" (or \"request_id\" and "
                                     "\"imp_id\"%s), required for %s",
                                     e.kind == EventKind::conversion ? ", or \"user_id\"" : "", to_string(e.kind).data());
    }
    return {};
}

// Amounts become micros only once the kind is known: a price is a CPM, a
// value or spend is in currency units.
void finish(Event& e, const LineValues& v, std::uint32_t seen) {
    e.price = Micros::per_impression_from_cpm(v.price);
    if (seen & bit(f_min_to_win)) e.min_to_win = Micros::per_impression_from_cpm(v.min_to_win);
    e.value = Micros::from_units(v.value);
    if (e.kind == EventKind::conversion && e.currency.empty()) (void)e.currency.assign("USD");
    if (e.kind != EventKind::spend_report) {
        e.spend = {};  // report figures on another kind mean nothing
    } else {
        e.spend.spend = Micros::from_units(v.spend);
        e.spend.conversion_value = Micros::from_units(v.conversion_value);
        e.spend.bucket_start = hour_bucket(e.ts);
        e.spend.granularity = Granularity::hour;
    }
}

}  // namespace

namespace detail {
bool is_blank(std::string_view line) {
    for (char c : line)
        if (c != ' ' && c != '\t') return false;
    return true;
}
}  // namespace detail

struct EventLineParser::Impl {
    od::parser parser;
    // simdjson reads up to SIMDJSON_PADDING bytes past a document: each line
    // is copied here so that the bytes after it are always ours.
    std::vector<char> scratch;
};

EventLineParser::EventLineParser(FeedLimits limits) : impl_(std::make_unique<Impl>()), limits_(limits) {
    impl_->scratch.resize(limits_.max_line_bytes + simdjson::SIMDJSON_PADDING);
    if (impl_->parser.allocate(limits_.max_line_bytes) != simdjson::SUCCESS) std::abort();
}

EventLineParser::~EventLineParser() = default;

FeedError EventLineParser::parse_line(std::string_view line, Event& out) {
    out = Event{};
    if (line.size() > limits_.max_line_bytes)
        return FeedError::format(FeedErrc::line_too_long, "line is %zu bytes, the limit is %zu", line.size(),
                                 limits_.max_line_bytes);
    std::memcpy(impl_->scratch.data(), line.data(), line.size());
    od::document doc;
    if (auto e = impl_->parser.iterate(impl_->scratch.data(), line.size(), impl_->scratch.size()).get(doc))
        return json_error(e);
    od::object object;
    if (auto e = doc.get_object().get(object)) {
        if (e == simdjson::INCORRECT_TYPE) return FeedError(FeedErrc::not_an_object, "line is not a JSON object");
        return json_error(e);
    }
    LineValues values;
    LineReader reader(out, values);
    std::uint32_t seen = 0;
    for (auto field_result : object) {
        od::field field;
        if (auto e = std::move(field_result).get(field)) return json_error(e);
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return json_error(e);
        if (key.empty()) continue;
        const int index = field_index(key);
        if (index < 0) continue;  // unknown fields are ignored: newer clients may send more
        const Field f = static_cast<Field>(index);
        if (seen & bit(f))
            return FeedError::format(FeedErrc::duplicate_field, "duplicate field \"%s\"", kFieldNames[f].data());
        seen |= bit(f);
        if (auto err = reader.read(f, field.value()); !err.ok()) return err;
    }
    // OUT_OF_BOUNDS here means the object was the whole document.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return FeedError(FeedErrc::invalid_json, "invalid JSON: trailing content after the object");
    if (auto err = check_required(out, seen); !err.ok()) return err;
    finish(out, values, seen);
    return {};
}

}  // namespace bidline::feeds
