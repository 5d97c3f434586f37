// The on-disk format of the event log (specified in feeds/EVENT_LOG.md): a
// directory of segment files `events-<20-digit sequence>.log`, each a 40-byte
// header followed by records framed as
//   [u32 payload length][u32 CRC32C(type byte + payload)][u8 type][payload]
// all little-endian. This file holds the constants, the framing and the
// naming; reading, repairing and writing live in event_log_reader.h and
// event_log_writer.h. Pure functions; any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bidline::feeds {

// Same representation as the engine's Timestamp: microseconds since the Unix epoch.
using LogTime = std::chrono::sys_time<std::chrono::microseconds>;

// The record-type byte: which decoder understands the payload. Values are
// part of the file format: never renumber, only add.
enum class RecordType : std::uint8_t {
    invalid = 0,       // never written; a zeroed region reads as this
    bid_request = 1,   // an OpenRTB request as received (sampled or full)
    bid_decision = 2,  // the compact decision record of the bid path
    feed_event = 3,    // a performance event (win, impression, click, ...)
    ledger_entry = 4,  // a control-loop ledger adjustment
    // 5..127: future bidline record kinds; 128..255: tests and experiments.
};
// "bid_request", ... for the values above; empty for others.
[[nodiscard]] std::string_view builtin_record_type_name(RecordType type);

inline constexpr std::array<char, 8> kSegmentMagic = {'B', 'D', 'L', 'N', 'E', 'L', 'O', 'G'};
inline constexpr std::uint32_t kSegmentVersion = 1;
inline constexpr std::size_t kSegmentHeaderSize = 40;
inline constexpr std::size_t kRecordHeaderSize = 9;
// Bounds a corrupt length field: readers never allocate more than this per record.
inline constexpr std::uint32_t kMaxRecordPayload = 16u << 20;

enum class LogErrc : std::uint8_t {
    ok = 0,
    io_error,            // a syscall failed (LogError::sys_errno says which)
    bad_segment_header,  // magic, version, header CRC, or name/sequence mismatch
    corrupt_record,      // framing or CRC failure where no torn tail is allowed
    record_too_large,    // payload above the limit of this writer or ring
    ring_full,           // a producer's ring has no room now: the caller decides (retry, 503, drop)
    log_failed,          // a write or fdatasync failed earlier: nothing is acknowledged any more
    directory_locked,    // another writer holds the log directory
    stopped,             // the group-commit log is shut down
};
[[nodiscard]] std::string_view to_string(LogErrc code);

// An error with where it happened, for messages and tests.
struct LogError {
    LogErrc code = LogErrc::ok;
    std::filesystem::path path;
    std::uint64_t offset = 0;  // byte offset in `path` where the problem starts
    int sys_errno = 0;
    std::string detail;
    [[nodiscard]] std::string message() const;
};

// Thrown by the open/recovery functions (start-up and tools only).
class LogFileError : public std::runtime_error {
public:
    explicit LogFileError(LogError e) : std::runtime_error(e.message()), error_(std::move(e)) {}
    [[nodiscard]] const LogError& error() const { return error_; }

private:
    LogError error_;
};

struct SegmentHeader {
    std::uint64_t sequence = 0;
    LogTime created{};
};
[[nodiscard]] std::array<std::byte, kSegmentHeaderSize> encode_segment_header(const SegmentHeader& header);
enum class HeaderCheck : std::uint8_t { ok, too_short, bad_magic, bad_version, bad_crc };
[[nodiscard]] HeaderCheck decode_segment_header(std::span<const std::byte> bytes, SegmentHeader& out);
[[nodiscard]] std::string_view to_string(HeaderCheck check);

struct RecordFrame {
    std::uint32_t length = 0;  // payload bytes, without the 9-byte header
    std::uint32_t crc = 0;
    RecordType type = RecordType::invalid;
};
[[nodiscard]] std::uint32_t record_crc(RecordType type, std::span<const std::byte> payload);
[[nodiscard]] std::array<std::byte, kRecordHeaderSize> encode_record_header(RecordType type,
                                                                            std::span<const std::byte> payload);
[[nodiscard]] RecordFrame decode_record_header(std::span<const std::byte, kRecordHeaderSize> bytes);

// events-00000000000000000042.log <-> 42
[[nodiscard]] std::string segment_file_name(std::uint64_t sequence);
[[nodiscard]] std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);

struct SegmentFile {
    std::uint64_t sequence = 0;
    std::filesystem::path path;
};
// The segment files of `directory` in sequence order; other files are
// ignored. Throws LogFileError when the directory cannot be listed.
[[nodiscard]] std::vector<SegmentFile> list_segments(const std::filesystem::path& directory);

}  // namespace bidline::feeds
