#include "bidline/feeds/event_log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace bidline::feeds {
namespace {

constexpr std::size_t kReadWindow = std::size_t{256} << 10;

std::optional<std::uint64_t> sequence_from_name(const std::filesystem::path& p) {
    return parse_segment_file_name(p.filename().string());
}

void fsync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw LogFileError(LogError{LogErrc::io_error, dir, 0, errno, "open directory"});
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw LogFileError(LogError{LogErrc::io_error, dir, 0, err, "fsync directory"});
}

void truncate_file(const std::filesystem::path& path, std::uint64_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw LogFileError(LogError{LogErrc::io_error, path, size, errno, "open for repair"});
    // fsync, not fdatasync: the new size is what must survive.
    const bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) throw LogFileError(LogError{LogErrc::io_error, path, size, err, "truncate torn tail"});
}

}  // namespace

// ---- SegmentReader ----

SegmentReader SegmentReader::open(const std::filesystem::path& path, std::optional<std::uint64_t> expected_sequence) {
    SegmentReader r;
    r.path_ = path;
    r.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (r.fd_ < 0) throw LogFileError(LogError{LogErrc::io_error, path, 0, errno, "open"});
    struct stat st {};
    if (::fstat(r.fd_, &st) != 0) throw LogFileError(LogError{LogErrc::io_error, path, 0, errno, "fstat"});
    r.file_size_ = static_cast<std::uint64_t>(st.st_size);
    r.limit_ = r.file_size_;
    r.buffer_.resize(kReadWindow);
    const std::byte* h = r.file_size_ >= kSegmentHeaderSize ? r.bytes_at(0, kSegmentHeaderSize) : nullptr;
    const HeaderCheck check =
        h != nullptr ? decode_segment_header(std::span(h, kSegmentHeaderSize), r.header_) : HeaderCheck::too_short;
    if (r.error_) throw LogFileError(*r.error_);
    if (check != HeaderCheck::ok)
        throw LogFileError(LogError{LogErrc::bad_segment_header, path, 0, 0, std::string(to_string(check))});
    if (expected_sequence && *expected_sequence != r.header_.sequence)
        throw LogFileError(LogError{LogErrc::bad_segment_header, path, 0, 0,
                                    "file name says segment " + std::to_string(*expected_sequence) + ", header says " +
                                        std::to_string(r.header_.sequence)});
    r.position_ = kSegmentHeaderSize;
    return r;
}

SegmentReader::SegmentReader(SegmentReader&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      path_(std::move(o.path_)),
      header_(o.header_),
      file_size_(o.file_size_),
      limit_(o.limit_),
      position_(o.position_),
      buffer_(std::move(o.buffer_)),
      buffer_offset_(o.buffer_offset_),
      buffer_fill_(o.buffer_fill_),
      error_(std::move(o.error_)) {}

SegmentReader& SegmentReader::operator=(SegmentReader&& o) noexcept {
    if (this != &o) {
        this->~SegmentReader();
        new (this) SegmentReader(std::move(o));
    }
    return *this;
}

SegmentReader::~SegmentReader() {
    if (fd_ >= 0) ::close(fd_);
}

const std::byte* SegmentReader::bytes_at(std::uint64_t offset, std::size_t n) {
    if (offset >= buffer_offset_ && offset + n <= buffer_offset_ + buffer_fill_)
        return buffer_.data() + (offset - buffer_offset_);
    if (buffer_.size() < n) buffer_.resize(n);  // a record larger than the window (bounded by kMaxRecordPayload)
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), file_size_ - offset));
    buffer_offset_ = offset;
    buffer_fill_ = 0;
    while (buffer_fill_ < want) {
        const ssize_t got =
            ::pread(fd_, buffer_.data() + buffer_fill_, want - buffer_fill_, static_cast<off_t>(offset + buffer_fill_));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return fail(LogErrc::io_error, offset + buffer_fill_, "pread", errno), nullptr;
        if (got == 0) break;  // the file shrank under us: report as truncated below
        buffer_fill_ += static_cast<std::size_t>(got);
    }
    if (buffer_fill_ < n) return fail(LogErrc::io_error, offset, "file shorter than its size"), nullptr;
    return buffer_.data();
}

bool SegmentReader::fail(LogErrc code, std::uint64_t offset, std::string detail, int sys_errno) {
    error_ = LogError{code, path_, offset, sys_errno, std::move(detail)};
    return false;
}

bool SegmentReader::next(RecordView& out) {
    if (error_ || position_ >= limit_) return false;
    const std::uint64_t remaining = limit_ - position_;
    if (remaining < kRecordHeaderSize)
        return fail(LogErrc::corrupt_record, position_,
                    "truncated record header (" + std::to_string(remaining) + " of 9 bytes)");
    const std::byte* h = bytes_at(position_, kRecordHeaderSize);
    if (h == nullptr) return false;
    const RecordFrame frame = decode_record_header(std::span<const std::byte, kRecordHeaderSize>(h, kRecordHeaderSize));
    if (frame.length > kMaxRecordPayload)
        return fail(LogErrc::corrupt_record, position_,
                    "record length " + std::to_string(frame.length) + " above the limit");
    if (frame.length > remaining - kRecordHeaderSize)
        return fail(LogErrc::corrupt_record, position_,
                    "truncated payload (" + std::to_string(remaining - kRecordHeaderSize) + " of " +
                        std::to_string(frame.length) + " bytes)");
    const std::byte* p = bytes_at(position_, kRecordHeaderSize + frame.length);
    if (p == nullptr) return false;
    const std::span<const std::byte> payload(p + kRecordHeaderSize, frame.length);
    if (record_crc(frame.type, payload) != frame.crc) return fail(LogErrc::corrupt_record, position_, "CRC mismatch");
    out = RecordView{header_.sequence, position_, frame.type, payload};
    position_ += kRecordHeaderSize + frame.length;
    return true;
}

// ---- scanning and repair ----

SegmentScan scan_segment(const std::filesystem::path& path, std::optional<std::uint64_t> expected_sequence) {
    SegmentReader reader = SegmentReader::open(path, expected_sequence);
    SegmentScan scan;
    scan.file_size = reader.file_size();
    RecordView record;
    while (reader.next(record)) ++scan.records;
    scan.valid_end = reader.position();
    if (reader.error() && reader.error()->code == LogErrc::io_error) throw LogFileError(*reader.error());
    scan.damage = reader.error();
    return scan;
}

std::optional<TailRepair> recover_last_segment(const std::filesystem::path& path,
                                               std::optional<std::uint64_t> expected_sequence, TailMode mode) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) throw LogFileError(LogError{LogErrc::io_error, path, 0, ec.value(), "stat"});
    TailRepair repair{path, 0, 0, {}, mode == TailMode::repair, false};
    if (size < kSegmentHeaderSize) {
        // Crashed while creating the segment: it cannot hold a record yet.
        repair.dropped_bytes = size;
        repair.reason = "segment header torn (" + std::to_string(size) + " bytes)";
        repair.removed_file = true;
        if (mode == TailMode::repair) {
            if (!std::filesystem::remove(path, ec) || ec)
                throw LogFileError(LogError{LogErrc::io_error, path, 0, ec.value(), "remove torn segment"});
            fsync_directory(path.parent_path().empty() ? "." : path.parent_path());
        }
        return repair;
    }
    const SegmentScan scan = scan_segment(path, expected_sequence);
    if (!scan.damage) return std::nullopt;
    repair.valid_bytes = scan.valid_end;
    repair.dropped_bytes = scan.file_size - scan.valid_end;
    repair.reason = scan.damage->detail;
    if (mode == TailMode::repair) truncate_file(path, scan.valid_end);
    return repair;
}

// ---- LogReader ----

LogReader::LogReader(std::vector<std::filesystem::path> files, TailMode mode) : files_(std::move(files)) {
    if (files_.empty()) return;
    tail_ = recover_last_segment(files_.back(), sequence_from_name(files_.back()), mode);
    if (!tail_) return;
    if (tail_->removed_file)
        files_.pop_back();  // a torn header: no record in it, repaired or not
    else if (mode == TailMode::read_only)
        last_valid_end_ = tail_->valid_bytes;
}

LogReader LogReader::open_directory(const std::filesystem::path& directory, TailMode mode) {
    std::vector<std::filesystem::path> files;
    for (SegmentFile& s : list_segments(directory)) files.push_back(std::move(s.path));
    return LogReader(std::move(files), mode);
}

LogReader LogReader::open_files(std::vector<std::filesystem::path> files, TailMode mode) {
    return LogReader(std::move(files), mode);
}

bool LogReader::open_next_segment() {
    const std::filesystem::path& path = files_[next_file_];
    try {
        current_.emplace(SegmentReader::open(path, sequence_from_name(path)));
    } catch (const LogFileError& e) {
        error_ = e.error();
        return false;
    }
    const std::uint64_t seq = current_->header().sequence;
    if (previous_sequence_ && seq <= *previous_sequence_) {
        error_ = LogError{LogErrc::bad_segment_header, path, 0, 0,
                          "segment " + std::to_string(seq) + " follows segment " + std::to_string(*previous_sequence_) +
                              ": out of order"};
        return false;
    }
    previous_sequence_ = seq;
    if (last_valid_end_ && next_file_ + 1 == files_.size()) current_->set_limit(*last_valid_end_);
    ++next_file_;
    return true;
}

bool LogReader::next(RecordView& out) {
    while (!error_) {
        if (current_) {
            if (current_->next(out)) return true;
            if (current_->error()) {
                error_ = current_->error();
                return false;
            }
            current_.reset();
        }
        if (next_file_ >= files_.size()) return false;
        if (!open_next_segment()) return false;
    }
    return false;
}

}  // namespace bidline::feeds
