// Event ⇄ flatbuffer (feeds/schema/events.fbs), for the binary stream and
// the event log. Decoding verifies the buffer first: bytes from a socket or
// a damaged log come back as an error value, never as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <flatbuffers/flatbuffers.h>

#include "bidline/feeds/event.h"
#include "bidline/feeds/feed_error.h"

namespace bidline::feeds {

// Builds `event` into `builder` and finishes it with the "BLEV" identifier;
// the span views the builder's buffer until it is cleared. Call
// builder.Clear() between events to reuse its memory.
std::span<const std::uint8_t> encode_event(const Event& event, flatbuffers::FlatBufferBuilder& builder);

[[nodiscard]] FeedError decode_event(const std::uint8_t* data, std::size_t size, Event& out);

}  // namespace bidline::feeds
