// The Redis Streams feed connector (DESIGN.md, feed path): reads a stream
// through a consumer group and hands each batch to the engine's own
// POST /v1/events on loopback, which answers only once the accepted events
// are durable in the event log. Only then are the entries XACKed, so an
// entry is acknowledged to Redis exactly when the engine can no longer lose
// it; entries the engine rejects go, with the reason, to the dead-letter
// stream `<key>:rejected` and are acknowledged in the same MULTI/EXEC (never
// a silent drop). A crash between durability and XACK leaves the entries
// pending: the next start re-reads this consumer's pending entries first and
// posts them again, and the control loop's de-duplication (refilled from the
// log on recovery) counts them once.
//
// Entry format: one field `event` holding one /v1/events NDJSON line
// (feeds/README.md); other fields are ignored. An entry without it, or whose
// line could never be one NDJSON line (a line break, blank, longer than a
// body), is dead-lettered without being posted.
//
// Failures: the engine overloaded (503, or lines refused as "overloaded") or
// unreachable → the same entries are retried with exponential backoff and
// stay pending meanwhile; Redis unreachable or lost → reconnect with backoff,
// then re-read the pending entries. Each is counted (GET
// /v1/stats/redis_stream) and logged at a bounded rate.
//
// Threads: one thread of its own, started by start() and joined by stop()
// (or the destructor); counters are atomics and the last error is under a
// mutex, so render_json() is safe on any thread (the stats route calls it
// on a shard thread, off the bid path).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "bidline/engine/clock.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

class CliArgs;

struct RedisStreamOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string key;  // the stream
    std::string group = "bidline";
    // Stable across restarts, so a restarted engine finds its own pending
    // entries; give each process that reads the same group its own name.
    std::string consumer = "bidline";
    std::string start_id = "$";            // where a group created by us starts: "$" new entries, "0" the whole stream
    std::uint32_t batch_entries = 1000;    // COUNT per XREADGROUP
    std::chrono::milliseconds block{500};  // XREADGROUP BLOCK: also bounds how long stop() waits
    std::chrono::milliseconds backoff_min{50};
    std::chrono::milliseconds backoff_max{5000};
    // With API keys on, the Bearer key it posts with: minted in memory at
    // start (scope events, connector "redis-stream"), never stored or printed.
    std::string api_key;
};

// Parses `redis://HOST[:PORT]/STREAM_KEY[?group=G&consumer=C&start=0|$]`.
// Throws CliError naming what is wrong.
RedisStreamOptions parse_redis_stream_url(std::string_view url);

struct RedisStreamCounters {
    std::uint64_t entries_read = 0;     // deliveries, re-reads of pending entries included
    std::uint64_t entries_acked = 0;    // accepted by the engine, or dead-lettered
    std::uint64_t dead_lettered = 0;    // XADDed to <key>:rejected (and acked)
    std::uint64_t batches_posted = 0;   // POST /v1/events answered 200 or 400
    std::uint64_t batches_retried = 0;  // engine overloaded or unreachable: posted again after a backoff
    std::uint64_t redis_errors = 0;     // connect failures, lost connections, error replies
    bool connected = false;             // connected, group present
};

class RedisStreamConsumer {
public:
    // `max_body_bytes`: the engine's body limit; batches are split to fit.
    RedisStreamConsumer(RedisStreamOptions options, const Clock& clock, std::size_t max_body_bytes);
    ~RedisStreamConsumer();
    RedisStreamConsumer(const RedisStreamConsumer&) = delete;
    RedisStreamConsumer& operator=(const RedisStreamConsumer&) = delete;

    // Starts the thread, posting to http://engine_host:engine_port/v1/events.
    void start(std::string engine_host, std::uint16_t engine_port);
    // Finishes the batch in hand (or abandons its retries: the entries stay
    // pending for the next start) and joins the thread. Idempotent.
    void stop();

    [[nodiscard]] const RedisStreamOptions& options() const { return options_; }
    [[nodiscard]] RedisStreamCounters counters() const;
    [[nodiscard]] std::string last_error() const;
    // {"key","group","consumer","connected","entries_read",...,"last_error"}
    [[nodiscard]] std::string render_json() const;

private:
    struct Worker;
    void run();
    void record_error(std::atomic<std::uint64_t>* counter, std::string message);
    // Waits `d` unless stop() is called first; false when stopping.
    bool pause(std::chrono::milliseconds d);

    const RedisStreamOptions options_;
    const Clock& clock_;
    const std::size_t max_body_bytes_;
    std::string engine_host_;
    std::uint16_t engine_port_ = 0;

    std::atomic<std::uint64_t> entries_read_{0}, entries_acked_{0}, dead_lettered_{0}, batches_posted_{0},
        batches_retried_{0}, redis_errors_{0};
    std::atomic<bool> connected_{false};

    mutable std::mutex mutex_;  // guards last_error_ and stop_; never on the bid path
    std::condition_variable wake_;
    std::string last_error_;
    bool stop_ = false;
    std::thread thread_;
};

// `serve --redis-stream URL`: null without the flag. Registers
// GET /v1/stats/redis_stream, so call it before the server starts; start the
// consumer once the server listens. With API keys installed, adds the
// consumer's own in-memory key to state.api_keys.
std::unique_ptr<RedisStreamConsumer> make_redis_stream_consumer(EngineState& state, const CliArgs& args);

}  // namespace bidline
