// The small text formats a configuration uses — "300x250", "host:port",
// "2026-01-01", country and currency codes, ids, IANA zone names — parsed
// or checked without any TOML in sight, so that they are easy to test and
// to reuse when the admin API accepts the same values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bidline/config/campaign_model.h"

namespace bidline::config_detail {

// "WxH", both 1..65535, digits only.
std::optional<Size> parse_size(std::string_view text);

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
// "host:port" or "[v6-address]:port"; port 0..65535 (0 lets the OS choose).
std::optional<HostPort> parse_host_port(std::string_view text);

// "YYYY-MM-DD", a real calendar date.
std::optional<Date> parse_iso_date(std::string_view text);

// ISO 3166-1 alpha-3 as OpenRTB sends it: three upper-case ASCII letters.
bool is_country_code(std::string_view text);
// ISO 3166-2 subdivision, with or without its country prefix: "CA", "US-CA".
bool is_region_code(std::string_view text);
// ISO 4217: three upper-case ASCII letters.
bool is_currency_code(std::string_view text);
// Ids end up in notice URLs and logs, so they are kept to URL-safe
// characters: 1..64 of [A-Za-z0-9._~-].
bool is_valid_id(std::string_view text);

// A zone the tz database on this machine knows, e.g. "America/New_York".
bool is_known_time_zone(std::string_view name);

std::string to_lower_ascii(std::string_view text);

}  // namespace bidline::config_detail
