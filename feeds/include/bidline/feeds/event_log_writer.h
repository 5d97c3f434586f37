// Appending to the event log: the single-threaded core that GroupCommitLog
// runs on its writer thread, and that replay, tools and benchmarks use
// directly.
//
// Opening takes the directory lock, repairs the last segment's torn tail and
// starts a NEW segment (old segments are never appended to again, so a torn
// tail can only ever be at the end of the newest file). Records are buffered
// and written by commit(), which also fdatasyncs unless the policy is
// `never`. A segment is rotated before a record that would take it past
// `segment_bytes`, or once it is `segment_age` old; the old segment is synced
// before the new one is created, so only the last segment can be torn.
//
// Any failed write or sync makes the writer fail for good (log_failed): after
// a failed fdatasync the kernel may have dropped the dirty pages, so retrying
// could report data durable that is not. A restart repairs the tail.
//
// Owned by one thread. The clock is passed in as `now`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bidline/feeds/event_log_format.h"
#include "bidline/feeds/event_log_lock.h"
#include "bidline/feeds/event_log_reader.h"

namespace bidline::feeds {

enum class FsyncPolicy : std::uint8_t {
    always,  // every record is its own commit: write + fdatasync each
    group,   // commit() writes the batch and fdatasyncs once
    never,   // commit() only writes; the OS flushes when it likes (replay, benchmarks)
};
[[nodiscard]] std::string_view to_string(FsyncPolicy policy);
[[nodiscard]] std::optional<FsyncPolicy> parse_fsync_policy(std::string_view name);

// How written bytes become durable. Tests substitute it to count, observe or
// fail syncs; production uses fdatasync/fsync. Called on the writer's thread.
class LogSyncer {
public:
    virtual ~LogSyncer() = default;
    virtual int sync_data(int fd) = 0;       // returns 0 or an errno
    virtual int sync_directory(int fd) = 0;  // makes a new file's name durable
};
[[nodiscard]] LogSyncer& system_log_syncer();

struct LogWriterOptions {
    std::filesystem::path directory;
    std::uint64_t segment_bytes = std::uint64_t{64} << 20;
    std::chrono::microseconds segment_age = std::chrono::hours(1);
    FsyncPolicy fsync = FsyncPolicy::group;
    std::size_t write_buffer_bytes = std::size_t{256} << 10;  // larger batches go out in several write()s
    LogSyncer* syncer = nullptr;                              // nullptr: system_log_syncer()
};

struct LogWriterStats {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;  // framed bytes, headers included
    std::uint64_t data_syncs = 0;
    std::uint64_t segments_created = 0;
};

class LogWriter {
public:
    // Throws LogFileError (directory_locked, io_error, or corruption found
    // while recovering the last segment).
    LogWriter(LogWriterOptions options, LogTime now);
    ~LogWriter();  // commits what is buffered, best effort
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    [[nodiscard]] LogErrc append(RecordType type, std::span<const std::byte> payload, LogTime now);
    // A record already framed by encode_record_header (the group-commit
    // producers frame on their own threads), given in one or two pieces
    // because it may wrap around a ring.
    [[nodiscard]] LogErrc append_framed(std::span<const std::byte> first, std::span<const std::byte> second,
                                        LogTime now);
    // Writes the buffered records and (unless `never`) makes them durable.
    // When this returns ok every record appended so far is on disk.
    [[nodiscard]] LogErrc commit();

    [[nodiscard]] bool failed() const { return error_.has_value(); }
    [[nodiscard]] const std::optional<LogError>& error() const { return error_; }
    [[nodiscard]] const std::optional<TailRepair>& recovered_tail() const { return recovered_tail_; }
    [[nodiscard]] std::uint64_t segment_sequence() const { return sequence_; }
    [[nodiscard]] const LogWriterStats& stats() const { return stats_; }
    [[nodiscard]] const LogWriterOptions& options() const { return options_; }

private:
    LogErrc open_segment(std::uint64_t sequence, LogTime now);
    LogErrc rotate(LogTime now);
    LogErrc write_buffer();
    LogErrc write_all(std::span<const std::byte> bytes);
    LogErrc sync_data();
    LogErrc fail(LogErrc code, std::string detail, int sys_errno);
    [[nodiscard]] bool wants_rotation(std::size_t record_bytes, LogTime now) const;

    LogWriterOptions options_;
    LogSyncer* syncer_;
    LogDirectoryLock lock_;
    std::optional<TailRepair> recovered_tail_;
    int directory_fd_ = -1;
    int fd_ = -1;
    std::filesystem::path path_;
    std::uint64_t sequence_ = 0;
    LogTime created_{};
    std::uint64_t segment_size_ = 0;  // header + records, written or buffered
    std::uint64_t segment_records_ = 0;
    std::vector<std::byte> buffer_;  // capacity reserved once: no allocation per record
    bool unsynced_ = false;          // bytes written since the last fdatasync
    std::optional<LogError> error_;
    LogWriterStats stats_;
};

}  // namespace bidline::feeds
