#include "bidline/feeds/event_log_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "bidline/feeds/event_log_format.h"

namespace bidline::feeds {

LogDirectoryLock::LogDirectoryLock(const std::filesystem::path& directory) {
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec)
        throw LogFileError(LogError{LogErrc::io_error, directory, 0, ec.value(), "cannot create the log directory"});
    const std::filesystem::path path = directory / kFileName;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw LogFileError(LogError{LogErrc::io_error, path, 0, errno, "cannot open the lock file"});
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) throw LogFileError(LogError{LogErrc::directory_locked, path, 0, 0, {}});
        throw LogFileError(LogError{LogErrc::io_error, path, 0, err, "flock"});
    }
}

LogDirectoryLock::~LogDirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace bidline::feeds
