// Timestamps as people and JSON read them: RFC 3339 in UTC to the second,
// e.g. "2026-11-23T19:30:00Z". Any thread; off the hot path (it allocates).
#pragma once

#include <cstdint>
#include <string>

namespace bidline {

// `us`: microseconds since the Unix epoch (negative: before it).
std::string rfc3339_utc(std::int64_t us);

}  // namespace bidline
