#include "support/engine_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef BIDLINE_BINARY
#error "BIDLINE_BINARY must name the bidline executable (tests/CMakeLists.txt defines it)"
#endif

namespace bidline::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kListeningMarker = "listening on ";

bool has_flag(const std::vector<std::string>& args, std::string_view flag) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
        return a == flag || (a.size() > flag.size() && a.compare(0, flag.size(), flag) == 0 && a[flag.size()] == '=');
    });
}

std::string read_whole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The tail is what explains a failure; a chatty engine should not bury it.
std::string tail(std::string text, std::size_t max = std::size_t{16} << 10) {
    if (text.size() > max) text = "...\n" + text.substr(text.size() - max);
    return text;
}

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bidline-it-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    return pattern;
}

ExitStatus decode(int wait_status) {
    ExitStatus s;
    if (WIFEXITED(wait_status)) s.code = WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) s.signal = WTERMSIG(wait_status);
    return s;
}

}  // namespace

std::string ExitStatus::describe() const {
    if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    return "exit code " + std::to_string(code);
}

EngineProcess::EngineProcess(std::vector<std::string> args) : work_dir_(make_temp_dir()) {
    stdout_path_ = work_dir_ / "stdout.log";
    stderr_path_ = work_dir_ / "stderr.log";
    argv_.push_back(BIDLINE_BINARY);
    argv_.insert(argv_.end(), args.begin(), args.end());
    if (!has_flag(args, "--port")) argv_.insert(argv_.end(), {"--port", "0"});
    if (!has_flag(args, "--data-dir")) {
        data_dir_ = work_dir_ / "data";
        std::filesystem::create_directory(data_dir_);
        argv_.insert(argv_.end(), {"--data-dir", data_dir_.string()});
    }
    try {
        spawn();
        wait_until_listening();
    } catch (...) {
        // The destructor will not run for a half-built object: clean up here.
        if (running()) {
            ::kill(pid_, SIGKILL);
            wait_exit(std::chrono::seconds(5));
        }
        std::error_code ignored;
        std::filesystem::remove_all(work_dir_, ignored);
        throw;
    }
}

EngineProcess::~EngineProcess() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
}

void EngineProcess::spawn() {
    // Everything the child needs is prepared before fork(): between fork and
    // exec in a threaded parent only async-signal-safe calls are allowed.
    int out = ::open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || in < 0) throw std::runtime_error(std::string("open log files: ") + std::strerror(errno));
    std::vector<char*> argv;
    for (auto& a : argv_) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ == 0) {
        // A test runner that crashes must not leave engines holding ports.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);
        ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        constexpr char kMsg[] = "EngineProcess: execv failed\n";
        [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(out);
    ::close(err);
    ::close(in);
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
}

void EngineProcess::wait_until_listening() {
    const auto deadline = Clock::now() + kStartTimeout;
    for (;;) {
        // The engine flushes the line once every shard listens; a whole line
        // (ending in '\n') means the port number is complete.
        const std::string text = read_whole(stdout_path_);
        if (auto at = text.find(kListeningMarker); at != std::string::npos) {
            auto eol = text.find('\n', at);
            if (eol != std::string::npos) {
                std::string address = text.substr(at + kListeningMarker.size(), eol - at - kListeningMarker.size());
                if (const auto scheme = address.find("://"); scheme != std::string::npos)
                    address.erase(0, scheme + 3);  // http://, or https:// with TLS
                while (!address.empty() && (address.back() == '\r' || address.back() == '/')) address.pop_back();
                auto colon = address.rfind(':');
                int port = colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
                if (port <= 0 || port > 65535) throw std::runtime_error("cannot parse listening line\n" + describe());
                host_ = address.substr(0, colon);
                port_ = static_cast<std::uint16_t>(port);
                return;
            }
        }
        if (auto status = wait_exit(std::chrono::milliseconds(0)))
            throw std::runtime_error("engine exited before listening (" + status->describe() + ")\n" + describe());
        if (Clock::now() > deadline)
            throw std::runtime_error("engine did not print '" + std::string(kListeningMarker) + "' within " +
                                     std::to_string(kStartTimeout.count()) + " s\n" + describe());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::uint16_t EngineProcess::stream_port() {
    constexpr std::string_view kMarker = "event stream on tcp://";
    const auto deadline = Clock::now() + kStartTimeout;
    while (stream_port_ == 0) {
        const std::string text = read_whole(stdout_path_);
        if (auto at = text.find(kMarker); at != std::string::npos) {
            if (auto eol = text.find('\n', at); eol != std::string::npos) {
                const std::string address = text.substr(at + kMarker.size(), eol - at - kMarker.size());
                const auto colon = address.rfind(':');
                const int port = colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
                if (port <= 0 || port > 65535) throw std::runtime_error("cannot parse event stream line\n" + describe());
                stream_port_ = static_cast<std::uint16_t>(port);
                break;
            }
        }
        if (!running() || Clock::now() > deadline)
            throw std::runtime_error("engine did not print '" + std::string(kMarker) + "'\n" + describe());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return stream_port_;
}

void EngineProcess::send_signal(int signal) {
    if (running()) ::kill(pid_, signal);
}

std::optional<ExitStatus> EngineProcess::wait_exit(std::chrono::milliseconds timeout) {
    if (exit_ || pid_ <= 0) return exit_;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_ = decode(status);
            return exit_;
        }
        if (done < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::optional<ExitStatus> EngineProcess::stop(std::chrono::milliseconds timeout) {
    send_signal(SIGTERM);
    return wait_exit(timeout);
}

std::string EngineProcess::captured_stdout() const { return read_whole(stdout_path_); }
std::string EngineProcess::captured_stderr() const { return read_whole(stderr_path_); }

std::string EngineProcess::describe() const {
    std::ostringstream out;
    out << "command:";
    for (const auto& a : argv_) out << ' ' << a;
    out << "\n--- engine stdout ---\n"
        << tail(captured_stdout()) << "\n--- engine stderr ---\n"
        << tail(captured_stderr()) << "\n--- end ---";
    return out.str();
}

}  // namespace bidline::test
