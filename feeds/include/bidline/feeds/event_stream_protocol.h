// The binary event stream over TCP: frame layout, frame writers and a
// frame reader shared by the server (engine/src/net/event_stream_connection),
// the client (event_stream_client.h), the tests and the benchmark. The
// protocol is specified in feeds/README.md ("Binary event stream"); in short:
//
//   frame   = u32 little-endian length | u8 type | payload   (length = 1 + payload bytes)
//   HELLO   c→s  u8 version (1) | stream name (1..63 bytes) [| 0x00 | API key]
//   EVENT   c→s  u64 LE client sequence | flatbuffers Event ("BLEV")
//   WELCOME s→c  u64 LE last sequence durable for the stream (0: none)
//   ACK     s→c  u64 LE highest sequence settled (durable, or rejected)
//   REJECT  s→c  u64 LE sequence | u8 FeedErrc | reason text
//   ERROR   s→c  reason text; the server closes the connection after it
//
// Everything here is plain functions over caller buffers: reading a frame
// never allocates and never throws; bad input comes back as a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bidline/feeds/event.h"
#include "bidline/feeds/feed_error.h"

namespace bidline::feeds::stream {

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::size_t kLengthBytes = 4;
inline constexpr std::size_t kHeaderBytes = kLengthBytes + 1;  // length + type
// Type byte + payload. An Event flatbuffer with every id at its 63-byte
// limit stays under 1 KiB; the bound keeps one frame from pinning memory.
inline constexpr std::uint32_t kMaxFrameLength = 8 * 1024;
inline constexpr std::size_t kMaxStreamName = 63;
inline constexpr std::size_t kSeqBytes = 8;

enum class FrameType : std::uint8_t { hello = 1, event = 2, welcome = 3, ack = 4, reject = 5, error = 6 };

std::string_view to_string(FrameType type);

// --- writers: append one whole frame to `out` -------------------------------

// `api_key` (empty: none) follows the name after a NUL byte: an engine with
// API keys takes events only from a key with the `events` scope.
void append_hello(std::string& out, std::string_view stream_name, std::string_view api_key = {});
void append_event(std::string& out, std::uint64_t seq, std::span<const std::uint8_t> event_flatbuffer);
void append_welcome(std::string& out, std::uint64_t last_durable_seq);
void append_ack(std::string& out, std::uint64_t seq);
void append_reject(std::string& out, std::uint64_t seq, FeedErrc code, std::string_view reason);
void append_error(std::string& out, std::string_view reason);

// --- reader -----------------------------------------------------------------

enum class FrameStatus : std::uint8_t {
    complete,    // `type`, `payload` and `consumed` are set
    incomplete,  // need more bytes
    bad_length,  // length 0 or above the limit: framing is lost, close
};

struct FrameView {
    FrameStatus status = FrameStatus::incomplete;
    std::uint8_t type = 0;  // raw: the caller rejects unknown types
    std::span<const std::uint8_t> payload;
    std::size_t consumed = 0;  // header + payload
    std::uint32_t length = 0;  // as announced (for error messages)
};

// The first frame in `bytes`, if it is all there.
[[nodiscard]] FrameView next_frame(std::span<const std::uint8_t> bytes, std::uint32_t max_length = kMaxFrameLength);

// --- payload readers (nullopt / an error text on malformed payloads) --------

struct Hello {
    std::uint8_t version = 0;
    std::string_view name;
    std::string_view api_key;  // empty: none sent
};
// Empty string on success, otherwise why the HELLO is refused.
[[nodiscard]] std::string_view parse_hello(std::span<const std::uint8_t> payload, Hello& out);

// EVENT, WELCOME, ACK and REJECT start with the u64 sequence.
[[nodiscard]] std::optional<std::uint64_t> read_seq(std::span<const std::uint8_t> payload);

struct Reject {
    std::uint64_t seq = 0;
    FeedErrc code = FeedErrc::ok;
    std::string_view reason;
};
[[nodiscard]] std::optional<Reject> parse_reject(std::span<const std::uint8_t> payload);

// --- event validation ---------------------------------------------------------

// The checks POST /v1/events applies to a parsed line, applied to a decoded
// flatbuffer: event id, a time in 2000-2099, the ids each kind needs,
// amounts in range, ISO currency. A conversion without currency gets USD,
// as on the NDJSON path.
[[nodiscard]] FeedError check_stream_event(Event& event);

}  // namespace bidline::feeds::stream
