// Reading the event log back: at start-up (replay the tail into the ledger)
// and in tools (`bidline log cat`, replay, train).
//
// SegmentReader walks the records of one segment file and stops at the
// first framing or CRC failure, saying where. LogReader chains the segments
// of a directory in sequence order and applies the one tolerance the format
// allows: the LAST segment may end in a torn tail (a crash mid-append), which
// is cut off (TailMode::repair) or skipped (TailMode::read_only) and
// reported. Damage anywhere else is an error with its file and offset; it is
// never skipped silently, because records after it may be acknowledged ones.
//
// Single-threaded objects. Open functions throw LogFileError; per-record
// reads return values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bidline/feeds/event_log_format.h"

namespace bidline::feeds {

struct RecordView {
    std::uint64_t segment = 0;  // sequence number from the segment header
    std::uint64_t offset = 0;   // byte offset of the record header in its file
    RecordType type = RecordType::invalid;
    std::span<const std::byte> payload;  // valid until the reader's next call
};

class SegmentReader {
public:
    // Checks the header, and that its sequence equals `expected_sequence`
    // when given. Throws LogFileError.
    static SegmentReader open(const std::filesystem::path& path, std::optional<std::uint64_t> expected_sequence);

    SegmentReader(SegmentReader&& other) noexcept;
    SegmentReader& operator=(SegmentReader&& other) noexcept;
    ~SegmentReader();

    // The next intact record; false at the end, or at damage: see error().
    [[nodiscard]] bool next(RecordView& out);
    [[nodiscard]] const std::optional<LogError>& error() const { return error_; }

    // Reads stop here instead of at the end of the file (a read-only view
    // of a last segment whose tail is torn).
    void set_limit(std::uint64_t limit) { limit_ = limit; }
    [[nodiscard]] const SegmentHeader& header() const { return header_; }
    [[nodiscard]] std::uint64_t position() const { return position_; }  // end of the last record read
    [[nodiscard]] std::uint64_t file_size() const { return file_size_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    SegmentReader() = default;
    // Pointer to bytes [offset, offset + n) of the file, or nullptr on a read error.
    const std::byte* bytes_at(std::uint64_t offset, std::size_t n);
    bool fail(LogErrc code, std::uint64_t offset, std::string detail, int sys_errno = 0);

    int fd_ = -1;
    std::filesystem::path path_;
    SegmentHeader header_;
    std::uint64_t file_size_ = 0;
    std::uint64_t limit_ = 0;
    std::uint64_t position_ = 0;
    std::vector<std::byte> buffer_;  // a window of the file starting at buffer_offset_
    std::uint64_t buffer_offset_ = 0;
    std::size_t buffer_fill_ = 0;
    std::optional<LogError> error_;
};

// Where a last segment's intact records end, and what follows them.
struct SegmentScan {
    std::uint64_t records = 0;
    std::uint64_t valid_end = 0;  // kSegmentHeaderSize when it holds no intact record
    std::uint64_t file_size = 0;
    std::optional<LogError> damage;  // the first bad record, if any
};
// Throws LogFileError when the header is bad or the file unreadable.
[[nodiscard]] SegmentScan scan_segment(const std::filesystem::path& path,
                                       std::optional<std::uint64_t> expected_sequence);

enum class TailMode : std::uint8_t {
    repair,     // truncate the torn tail away (caller must hold the LogDirectoryLock)
    read_only,  // leave the files alone and stop before the damage (safe on a live log)
};

// A torn tail that was (or, read-only, would be) cut off the last segment.
struct TailRepair {
    std::filesystem::path path;
    std::uint64_t valid_bytes = 0;    // new size of the file; 0 if the file was removed
    std::uint64_t dropped_bytes = 0;  // bytes after the last intact record
    std::string reason;               // what was found at `valid_bytes`
    bool applied = false;             // files changed (TailMode::repair)
    bool removed_file = false;        // the segment's header itself was torn
};

// Checks the last segment of a log for a torn tail; in repair mode truncates
// it (and fsyncs), or removes the file when even its header is incomplete.
// A last segment whose complete header is invalid is corruption: throws.
[[nodiscard]] std::optional<TailRepair> recover_last_segment(const std::filesystem::path& path,
                                                             std::optional<std::uint64_t> expected_sequence,
                                                             TailMode mode);

class LogReader {
public:
    // All segments of `directory` in sequence order.
    static LogReader open_directory(const std::filesystem::path& directory, TailMode mode);
    // Explicit segment files, oldest first; the last may have a torn tail.
    static LogReader open_files(std::vector<std::filesystem::path> files, TailMode mode);

    [[nodiscard]] const std::optional<TailRepair>& tail() const { return tail_; }
    [[nodiscard]] std::size_t segment_count() const { return files_.size(); }

    // The next intact record across segments; false at the end or on an
    // error (see error()): a damaged non-last segment, a header problem,
    // segments out of sequence order.
    [[nodiscard]] bool next(RecordView& out);
    [[nodiscard]] const std::optional<LogError>& error() const { return error_; }

private:
    LogReader(std::vector<std::filesystem::path> files, TailMode mode);
    bool open_next_segment();

    std::vector<std::filesystem::path> files_;
    std::optional<TailRepair> tail_;
    std::optional<std::uint64_t> last_valid_end_;  // read-only: stop the last segment here
    std::size_t next_file_ = 0;
    std::optional<SegmentReader> current_;
    std::optional<std::uint64_t> previous_sequence_;
    std::optional<LogError> error_;
};

}  // namespace bidline::feeds
