// 64-bit keys for the two lookups of the feed path: an event's identity
// (dedupe) and the impression it belongs to (joins). Keys live only in
// memory (never logged), so the standard library's string hash is enough;
// a collision costs one wrongly deduped or joined event in 2^64.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "bidline/feeds/event.h"

namespace bidline::feeds {

// 0 marks an empty slot in the tables that hold keys, so no key is 0.
inline std::uint64_t text_key(std::string_view text) {
    const std::uint64_t h = std::hash<std::string_view>{}(text);
    return h == 0 ? 1 : h;
}

inline std::uint64_t event_key(const Event& e) { return text_key(e.event_id.view()); }

// The impression an event belongs to: its bid id, else request id + imp id
// (imp ids alone repeat across requests). 0 when the event carries neither.
std::uint64_t join_key(const Event& e);

}  // namespace bidline::feeds
