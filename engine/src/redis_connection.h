// RedisConnection: one blocking hiredis connection with timeouts, for
// engine threads that talk to Redis off the hot path (the Redis Streams
// consumer; later the Redis budget ledger). Commands go as argv (binary
// safe, no format strings); replies are owned by RedisReply and read through
// RedisValue views. A transport failure (refused, timeout, connection lost)
// is a value: command() returns nullopt, error() says why, and the
// connection is closed, so the caller reconnects when it chooses (with its
// own backoff). A Redis error reply (-ERR ...) is a reply, not a failure.
//
// Threads: one connection belongs to one thread; no locking inside.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct redisContext;
struct redisReply;

namespace bidline {

enum class RedisType { nil, string, status, error, integer, array };

// A non-owning view of one node of a reply tree; valid while its RedisReply lives.
class RedisValue {
public:
    explicit RedisValue(const redisReply* r) : r_(r) {}
    [[nodiscard]] RedisType type() const;
    [[nodiscard]] bool is_nil() const { return type() == RedisType::nil; }
    [[nodiscard]] bool is_error() const { return type() == RedisType::error; }
    [[nodiscard]] bool is_array() const { return type() == RedisType::array; }
    // The bytes of a string, status or error reply; empty otherwise.
    [[nodiscard]] std::string_view text() const;
    // An integer reply; 0 otherwise.
    [[nodiscard]] long long integer() const;
    // The number of elements of an array reply; 0 otherwise.
    [[nodiscard]] std::size_t size() const;
    // Element i of an array reply (i < size()).
    [[nodiscard]] RedisValue operator[](std::size_t i) const;

private:
    const redisReply* r_;
};

// Owns a hiredis reply tree (freed on destruction). Move-only.
class RedisReply {
public:
    explicit RedisReply(redisReply* r);
    ~RedisReply();
    RedisReply(RedisReply&& other) noexcept : r_(std::exchange(other.r_, nullptr)) {}
    RedisReply& operator=(RedisReply&& other) noexcept;
    RedisReply(const RedisReply&) = delete;
    RedisReply& operator=(const RedisReply&) = delete;

    [[nodiscard]] RedisValue value() const { return RedisValue(r_); }
    [[nodiscard]] RedisType type() const { return value().type(); }
    [[nodiscard]] bool is_error() const { return value().is_error(); }
    [[nodiscard]] std::string_view text() const { return value().text(); }

private:
    redisReply* r_;
};

struct RedisEndpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::chrono::milliseconds connect_timeout{2000};
    // Bounds every command; a blocking command (XREADGROUP BLOCK) needs its
    // block time plus a margin.
    std::chrono::milliseconds command_timeout{5000};
};

// What `redis://HOST[:PORT][/PATH][?QUERY]` names. Throws CliError
// starting with `shown` (e.g. "--redis-stream URL") when it is malformed.
// `path` and `query` view `url` (not percent-decoded).
struct RedisUrl {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string_view path;
    std::string_view query;
};
RedisUrl parse_redis_url(std::string_view url, const std::string& shown);

using RedisArgv = std::vector<std::string_view>;

class RedisConnection {
public:
    RedisConnection() = default;
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Closes any previous connection first. False on failure (error() says why).
    [[nodiscard]] bool connect(const RedisEndpoint& endpoint);
    void close();
    [[nodiscard]] bool connected() const { return ctx_ != nullptr; }

    // One command. nullopt on a transport failure: the connection is then closed.
    [[nodiscard]] std::optional<RedisReply> command(std::span<const std::string_view> argv);
    [[nodiscard]] std::optional<RedisReply> command(std::initializer_list<std::string_view> argv) {
        return command(std::span<const std::string_view>(argv.begin(), argv.size()));
    }
    // Several commands in one round trip (e.g. MULTI ... EXEC); one reply per
    // command, in order. nullopt on a transport failure (connection closed).
    [[nodiscard]] std::optional<std::vector<RedisReply>> pipeline(std::span<const RedisArgv> commands);

    // The last transport failure, e.g. "127.0.0.1:6379: Connection refused".
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    bool append(std::span<const std::string_view> argv);
    std::optional<RedisReply> read_reply();
    void fail(std::string_view what);

    redisContext* ctx_ = nullptr;
    std::string where_;  // host:port, for error texts
    std::string error_;
    std::vector<const char*> argv_ptrs_;  // reused per command
    std::vector<std::size_t> argv_lens_;
};

}  // namespace bidline
