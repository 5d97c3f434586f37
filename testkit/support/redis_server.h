// A real redis-server for integration tests, and a small blocking client.
//
// RedisServer starts `redis-server` (from PATH, else /usr/bin) on a free
// loopback port with nothing persisted (`--save "" --appendonly no`, its
// working directory a fresh temp dir) and returns once PING answers; stop()
// ends it and start() brings it back on the same port (an empty server:
// tests of reconnection). The destructor SIGKILLs a server still running.
//
// RedisClient speaks to any Redis through hiredis, independently of the
// engine's own connection code, so a test checks the engine against a
// second implementation. Errors (connect failure, timeout, an error reply)
// throw RedisError: this is test code, gtest reports the text.
//
// Threads: each object belongs to one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct redisContext;

namespace bidline::test {

class RedisError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A loopback TCP port nobody listened on a moment ago (bind to port 0, close).
[[nodiscard]] std::uint16_t free_loopback_port();

class RedisServer {
public:
    static constexpr std::chrono::seconds kStartTimeout{10};

    // On a free port.
    RedisServer();
    // On `port` (e.g. one an engine was told about before Redis was up).
    explicit RedisServer(std::uint16_t port);
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    [[nodiscard]] const std::string& host() const { return host_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] bool running() const { return pid_ > 0; }
    // "redis://127.0.0.1:PORT/" + path, e.g. url("events?group=g").
    [[nodiscard]] std::string url(std::string_view path) const;

    // Starts the server (again) on port(); returns once PING answers. Throws with the server's log.
    void start();
    // SIGTERM, wait (SIGKILL after 5 s). The data goes with it.
    void stop();
    [[nodiscard]] std::string log() const;

private:
    std::string host_ = "127.0.0.1";
    std::uint16_t port_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

struct StreamEntry {
    std::string id;
    std::vector<std::pair<std::string, std::string>> fields;
    [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
};

class RedisClient {
public:
    RedisClient(const std::string& host, std::uint16_t port,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // XADD key * field value ...: the new entry's id.
    std::string xadd(const std::string& key, const std::vector<std::pair<std::string, std::string>>& fields);
    [[nodiscard]] long long xlen(const std::string& key);
    // Entries delivered to `group` and not yet acknowledged (0 when the group does not exist).
    [[nodiscard]] long long xpending(const std::string& key, const std::string& group);
    // XRANGE key - +
    [[nodiscard]] std::vector<StreamEntry> xrange(const std::string& key);
    // Any command whose reply is a status, string or integer, as text.
    std::string command(const std::vector<std::string>& argv);

private:
    struct ReplyDeleter {
        void operator()(void* reply) const;
    };
    using Reply = std::unique_ptr<void, ReplyDeleter>;
    Reply run(const std::vector<std::string>& argv);

    redisContext* ctx_ = nullptr;
    std::string where_;
};

}  // namespace bidline::test
