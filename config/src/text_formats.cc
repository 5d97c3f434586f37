#include "text_formats.h"

#include <algorithm>
#include <charconv>

namespace bidline::config_detail {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits only: from_chars alone would accept a leading '-' or stop early.
template <class Int>
std::optional<Int> parse_unsigned(std::string_view text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
    Int value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<Size> parse_size(std::string_view text) {
    const auto x = text.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    const auto w = parse_unsigned<std::uint16_t>(text.substr(0, x));
    const auto h = parse_unsigned<std::uint16_t>(text.substr(x + 1));
    if (!w || !h || *w == 0 || *h == 0) return std::nullopt;
    return Size{*w, *h};
}

std::optional<HostPort> parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return std::nullopt;  // a bare IPv6 address is ambiguous: it needs brackets
    }
    if (host.empty() || host.find_first_of(" \t/[]") != std::string_view::npos) return std::nullopt;
    const auto port = parse_unsigned<std::uint16_t>(text.substr(colon + 1));
    if (!port) return std::nullopt;
    return HostPort{std::string(host), *port};
}

std::optional<Date> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto y = parse_unsigned<int>(text.substr(0, 4));
    const auto m = parse_unsigned<unsigned>(text.substr(5, 2));
    const auto d = parse_unsigned<unsigned>(text.substr(8, 2));
    if (!y || !m || !d) return std::nullopt;
    const Date date{std::chrono::year{*y}, std::chrono::month{*m}, std::chrono::day{*d}};
    if (!date.ok()) return std::nullopt;
    return date;
}

bool is_country_code(std::string_view text) {
    return text.size() == 3 && std::all_of(text.begin(), text.end(), is_upper);
}

bool is_region_code(std::string_view text) {
    std::string_view subdivision = text;
    if (text.size() > 3 && text[2] == '-') {
        if (!is_upper(text[0]) || !is_upper(text[1])) return false;
        subdivision = text.substr(3);
    }
    return !subdivision.empty() && subdivision.size() <= 3 &&
           std::all_of(subdivision.begin(), subdivision.end(), [](char c) { return is_upper(c) || is_digit(c); });
}

bool is_currency_code(std::string_view text) { return is_country_code(text); }

bool is_valid_id(std::string_view text) {
    const auto url_safe = [](char c) {
        return is_upper(c) || is_digit(c) || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '~' || c == '-';
    };
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), url_safe);
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace bidline::config_detail
