// Runs the real `bidline` binary as a child process for integration tests.
// The engine picks a free port (`--port 0`) and announces it on stdout; we
// wait for that line, so tests never race the listener or collide on ports.
// stdout and stderr go to files in a fresh temp directory (which also holds
// the `--data-dir`), so a failing test can quote what the engine said.
//
// Lifecycle: the constructor returns once the engine listens (or throws with
// the captured output); stop() asks for a graceful exit with SIGTERM; the
// destructor SIGKILLs a child that is still running. Owned by one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bidline::test {

// How a child ended: a normal exit code, or the signal that killed it.
struct ExitStatus {
    int code = -1;   // valid when signal == 0
    int signal = 0;  // non-zero when the child was killed by a signal
    [[nodiscard]] bool clean() const { return signal == 0 && code == 0; }
    [[nodiscard]] std::string describe() const;
};

class EngineProcess {
public:
    static constexpr std::chrono::seconds kStartTimeout{20};

    // `args` follow the binary name, e.g. {"serve", "--shards", "2"}. Adds
    // `--port 0` and `--data-dir <temp>` unless the caller gave them.
    explicit EngineProcess(std::vector<std::string> args);
    ~EngineProcess();
    EngineProcess(const EngineProcess&) = delete;
    EngineProcess& operator=(const EngineProcess&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    // The binary event stream port from the "event stream on tcp://" line
    // (the engine must run with --stream-port); waits for the line up to
    // kStartTimeout, throws if it never comes.
    [[nodiscard]] std::uint16_t stream_port();
    [[nodiscard]] const std::string& host() const { return host_; }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::filesystem::path& data_dir() const { return data_dir_; }
    [[nodiscard]] bool running() const { return pid_ > 0 && !exit_; }

    void send_signal(int signal);
    // The exit status, or nullopt if the child is still running at the timeout.
    std::optional<ExitStatus> wait_exit(std::chrono::milliseconds timeout);
    // SIGTERM, then wait; nullopt if it did not exit within `timeout` (the
    // child is then left to the destructor's SIGKILL).
    std::optional<ExitStatus> stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    [[nodiscard]] std::string captured_stdout() const;
    [[nodiscard]] std::string captured_stderr() const;
    // Command line plus both captured streams, for failure messages.
    [[nodiscard]] std::string describe() const;

private:
    void spawn();
    void wait_until_listening();

    std::vector<std::string> argv_;
    std::filesystem::path work_dir_;  // our temp dir: logs and default data dir
    std::filesystem::path data_dir_;
    std::filesystem::path stdout_path_;
    std::filesystem::path stderr_path_;
    std::string host_ = "127.0.0.1";
    std::uint16_t port_ = 0;
    std::uint16_t stream_port_ = 0;
    pid_t pid_ = -1;
    std::optional<ExitStatus> exit_;
};

}  // namespace bidline::test
