// Timestamps as the feeds write them: RFC 3339 strings from clients, civil
// dates and hours in an ad account's time zone from platform reports. The
// standard library here (libstdc++ 12) has no time zone database, so an
// account's zone is a fixed UTC offset supplied by the caller.
#pragma once

#include <chrono>
#include <string_view>

#include "bidline/feeds/event.h"

namespace bidline::feeds {

// Events before 2000 or from 2100 on are taken as a unit mistake (seconds
// or microseconds sent where milliseconds were meant), not as data.
inline constexpr UtcMicros kEarliestEventTime{std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}};
inline constexpr UtcMicros kLatestEventTime{std::chrono::sys_days{std::chrono::year{2100} / 1 / 1}};

// "2026-11-23T10:00:00Z", "2026-11-23T10:00:00.250+01:00" (fractions past
// microseconds are truncated). False on anything else.
[[nodiscard]] bool parse_rfc3339(std::string_view text, UtcMicros& out);

// "2026-11-23": a valid calendar date.
[[nodiscard]] bool parse_civil_date(std::string_view text, std::chrono::sys_days& out);

inline UtcMicros hour_bucket(UtcMicros t) { return std::chrono::floor<std::chrono::hours>(t); }

// The UTC instant of a local wall-clock time in a zone `utc_offset` ahead of
// UTC (UTC+02:00 → +120 min).
inline UtcMicros local_to_utc(std::chrono::sys_days local_day, std::chrono::hours local_hour,
                              std::chrono::minutes utc_offset) {
    return UtcMicros{local_day} + local_hour - utc_offset;
}

}  // namespace bidline::feeds
