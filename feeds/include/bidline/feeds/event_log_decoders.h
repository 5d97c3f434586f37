// How tools turn a record payload into JSON: one decoder per record type,
// registered at start-up by whoever owns the payload schema (the flatbuffers
// event schema registers feed_event, ...). `bidline log cat` and other
// readers look the decoder up by the record's type byte; a type with no
// decoder is printed as base64.
//
// Registration happens before readers run (start-up); lookups are then
// read-only. Both are guarded by a mutex, so any thread may call either.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "bidline/feeds/event_log_format.h"

namespace bidline::feeds {

// Appends the payload's fields as ONE JSON object ("{...}") to `out`;
// returns false (leaving `out` as it was) when the payload does not decode.
using RecordDecoder = std::function<bool(std::span<const std::byte> payload, std::string& out)>;

// Replaces any earlier registration for `type`. `name` is what tools print
// as the record's "type" (e.g. "feed_event").
void register_record_decoder(RecordType type, std::string_view name, RecordDecoder decoder);

struct RecordDecoderEntry {
    std::string name;      // registered name, else the builtin one, else "unknown:<n>"
    RecordDecoder decode;  // empty when none is registered
};
[[nodiscard]] RecordDecoderEntry find_record_decoder(RecordType type);

}  // namespace bidline::feeds
