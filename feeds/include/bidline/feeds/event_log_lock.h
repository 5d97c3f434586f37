// Exclusive ownership of an event log directory: at most one process writes
// or repairs a log at a time. An advisory flock(2) on `<dir>/events.lock`,
// released by the kernel when the process dies, so a kill -9 never leaves
// a stale lock behind. Owned by one thread; movable.
#pragma once

#include <filesystem>

namespace bidline::feeds {

class LogDirectoryLock {
public:
    static constexpr const char* kFileName = "events.lock";

    // Creates the directory if needed. Throws LogFileError (directory_locked
    // when another process holds it, io_error otherwise).
    explicit LogDirectoryLock(const std::filesystem::path& directory);
    ~LogDirectoryLock();
    LogDirectoryLock(LogDirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    LogDirectoryLock& operator=(LogDirectoryLock&&) = delete;
    LogDirectoryLock(const LogDirectoryLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace bidline::feeds
