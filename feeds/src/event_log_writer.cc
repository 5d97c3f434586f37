#include "bidline/feeds/event_log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bidline::feeds {
namespace {

class SystemLogSyncer final : public LogSyncer {
public:
    int sync_data(int fd) override { return ::fdatasync(fd) == 0 ? 0 : errno; }
    int sync_directory(int fd) override { return ::fsync(fd) == 0 ? 0 : errno; }
};

// Recovers the newest segment and returns the sequence for the next one.
std::uint64_t recover(const std::filesystem::path& directory, std::optional<TailRepair>& repaired) {
    const std::vector<SegmentFile> segments = list_segments(directory);
    if (segments.empty()) return 1;
    repaired = recover_last_segment(segments.back().path, segments.back().sequence, TailMode::repair);
    return segments.back().sequence + 1;
}

}  // namespace

std::string_view to_string(FsyncPolicy policy) {
    switch (policy) {
        case FsyncPolicy::always:
            return "always";
        case FsyncPolicy::group:
            return "group";
        case FsyncPolicy::never:
            return "never";
    }
    return "unknown";
}

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view name) {
    for (FsyncPolicy p : {FsyncPolicy::always, FsyncPolicy::group, FsyncPolicy::never})
        if (name == to_string(p)) return p;
    return std::nullopt;
}

LogSyncer& system_log_syncer() {
    static SystemLogSyncer syncer;
    return syncer;
}

LogWriter::LogWriter(LogWriterOptions options, LogTime now)
    : options_(std::move(options)),
      syncer_(options_.syncer != nullptr ? options_.syncer : &system_log_syncer()),
      lock_(options_.directory) {
    const std::uint64_t next_sequence = recover(options_.directory, recovered_tail_);
    directory_fd_ = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd_ < 0)
        throw LogFileError(LogError{LogErrc::io_error, options_.directory, 0, errno, "open directory"});
    buffer_.reserve(options_.write_buffer_bytes);
    if (open_segment(next_sequence, now) != LogErrc::ok) {
        const LogError e = *error_;
        if (fd_ >= 0) ::close(fd_);
        ::close(directory_fd_);
        throw LogFileError(e);
    }
}

LogWriter::~LogWriter() {
    if (!failed()) (void)commit();
    if (fd_ >= 0) ::close(fd_);
    if (directory_fd_ >= 0) ::close(directory_fd_);
}

LogErrc LogWriter::fail(LogErrc code, std::string detail, int sys_errno) {
    if (!error_) error_ = LogError{code, path_, segment_size_, sys_errno, std::move(detail)};
    return LogErrc::log_failed;
}

LogErrc LogWriter::open_segment(std::uint64_t sequence, LogTime now) {
    path_ = options_.directory / segment_file_name(sequence);
    // O_EXCL: a segment is written by exactly one writer, once.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) return fail(LogErrc::io_error, "create segment", errno);
    sequence_ = sequence;
    created_ = now;
    segment_size_ = 0;
    segment_records_ = 0;
    ++stats_.segments_created;
    const auto header = encode_segment_header(SegmentHeader{sequence, now});
    if (LogErrc rc = write_all(header); rc != LogErrc::ok) return rc;
    segment_size_ = header.size();
    if (options_.fsync == FsyncPolicy::never) return LogErrc::ok;
    // The header and the file's name are durable before any record can be
    // acknowledged in it: a complete but invalid header is then corruption,
    // never a crash artefact.
    if (LogErrc rc = sync_data(); rc != LogErrc::ok) return rc;
    if (int err = syncer_->sync_directory(directory_fd_); err != 0)
        return fail(LogErrc::io_error, "fsync directory", err);
    return LogErrc::ok;
}

bool LogWriter::wants_rotation(std::size_t record_bytes, LogTime now) const {
    if (segment_records_ == 0) return false;  // an oversized record still gets a segment of its own
    return segment_size_ + record_bytes > options_.segment_bytes || now - created_ >= options_.segment_age;
}

LogErrc LogWriter::rotate(LogTime now) {
    if (LogErrc rc = write_buffer(); rc != LogErrc::ok) return rc;
    if (options_.fsync != FsyncPolicy::never)
        if (LogErrc rc = sync_data(); rc != LogErrc::ok) return rc;
    ::close(fd_);
    fd_ = -1;
    return open_segment(sequence_ + 1, now);
}

LogErrc LogWriter::append(RecordType type, std::span<const std::byte> payload, LogTime now) {
    if (payload.size() > kMaxRecordPayload) return LogErrc::record_too_large;
    const auto header = encode_record_header(type, payload);
    return append_framed(header, payload, now);
}

LogErrc LogWriter::append_framed(std::span<const std::byte> first, std::span<const std::byte> second, LogTime now) {
    if (failed()) return LogErrc::log_failed;
    const std::size_t n = first.size() + second.size();
    if (wants_rotation(n, now))
        if (LogErrc rc = rotate(now); rc != LogErrc::ok) return rc;
    if (buffer_.size() + n > buffer_.capacity())
        if (LogErrc rc = write_buffer(); rc != LogErrc::ok) return rc;
    if (n > buffer_.capacity()) {
        // Larger than the whole buffer: straight to the file.
        if (LogErrc rc = write_all(first); rc != LogErrc::ok) return rc;
        if (LogErrc rc = write_all(second); rc != LogErrc::ok) return rc;
    } else {
        buffer_.insert(buffer_.end(), first.begin(), first.end());  // within capacity: no allocation
        buffer_.insert(buffer_.end(), second.begin(), second.end());
    }
    segment_size_ += n;
    ++segment_records_;
    ++stats_.records;
    stats_.bytes += n;
    return options_.fsync == FsyncPolicy::always ? commit() : LogErrc::ok;
}

LogErrc LogWriter::commit() {
    if (failed()) return LogErrc::log_failed;
    if (LogErrc rc = write_buffer(); rc != LogErrc::ok) return rc;
    if (options_.fsync == FsyncPolicy::never || !unsynced_) return LogErrc::ok;
    return sync_data();
}

LogErrc LogWriter::write_buffer() {
    if (buffer_.empty()) return LogErrc::ok;
    const LogErrc rc = write_all(buffer_);
    buffer_.clear();
    return rc;
}

LogErrc LogWriter::write_all(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(LogErrc::io_error, "write", errno);
        bytes = bytes.subspan(static_cast<std::size_t>(n));
        unsynced_ = true;
    }
    return LogErrc::ok;
}

LogErrc LogWriter::sync_data() {
    ++stats_.data_syncs;
    if (int err = syncer_->sync_data(fd_); err != 0) return fail(LogErrc::io_error, "fdatasync", err);
    unsynced_ = false;
    return LogErrc::ok;
}

}  // namespace bidline::feeds
