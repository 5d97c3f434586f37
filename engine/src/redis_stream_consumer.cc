#include "bidline/engine/redis_stream_consumer.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/rate_limited_log.h"
#include "bidline/engine/router.h"
#include "bidline/engine/api_keys.h"
#include "loopback_client.h"
#include "redis_connection.h"

namespace bidline {
namespace {

constexpr std::string_view kEventField = "event";
constexpr std::string_view kOverloaded = "overloaded";  // router_events.cc's reason for "retry this line"
// Rate limits and quotas for this feed are configured as [connectors.redis-stream].
constexpr std::string_view kConnectorHeader = "X-Bidline-Connector: redis-stream\r\n";

struct StreamEntry {
    std::string id;
    std::optional<std::string> event;  // nullopt: no `event` field (or the entry was deleted)
};

struct DeadLetter {
    const StreamEntry* entry;
    std::string reason;
};

// Why an entry cannot be posted as one NDJSON line; empty when it can.
std::string_view local_rejection(const StreamEntry& e, std::size_t max_body_bytes) {
    if (!e.event) return "no \"event\" field";
    const std::string_view line = *e.event;
    if (line.find('\n') != std::string_view::npos) return "event contains a line break (one NDJSON line per entry)";
    if (std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; }))
        return "event is empty";
    if (line.size() + 1 > max_body_bytes) return "event is longer than the engine's body limit";
    return {};
}

std::chrono::milliseconds doubled(std::chrono::milliseconds d, std::chrono::milliseconds max) {
    return std::min(d * 2, max);
}

enum class Outcome { done, stopping, redis_failed };

}  // namespace

RedisStreamOptions parse_redis_stream_url(std::string_view url) {
    const std::string shown = "--redis-stream " + std::string(url);
    const RedisUrl parsed = parse_redis_url(url, shown);
    const std::string_view query = parsed.query;
    RedisStreamOptions o;
    o.host = parsed.host;
    o.port = parsed.port;
    percent_decode(parsed.path, o.key);
    if (o.key.empty()) throw CliError(shown + ": no stream key (redis://HOST:PORT/STREAM_KEY)");
    std::string value;
    for (std::string_view name : {"group", "consumer", "start"}) {
        const std::string_view raw = query_param(query, name);
        if (raw.empty()) continue;
        percent_decode(raw, value);
        if (name == "group")
            o.group = value;
        else if (name == "consumer")
            o.consumer = value;
        else if (value == "0" || value == "$")
            o.start_id = value;
        else
            throw CliError(shown + ": start must be 0 (the whole stream) or $ (new entries)");
    }
    return o;
}

// Everything the consumer thread owns: the Redis connection, the HTTP
// client and where it is in the stream.
struct RedisStreamConsumer::Worker {
    explicit Worker(RedisStreamConsumer& c)
        : consumer(c), http(c.engine_host_, c.engine_port_), dead_letter_key(c.options_.key + ":rejected"),
          headers(std::string(kConnectorHeader) +
                  (c.options_.api_key.empty() ? "" : "Authorization: Bearer " + c.options_.api_key + "\r\n")) {
        endpoint.host = c.options_.host;
        endpoint.port = c.options_.port;
        endpoint.command_timeout = c.options_.block + std::chrono::seconds(3);
    }

    bool connect();
    // nullopt: Redis failed (recorded; the connection is closed).
    std::optional<std::vector<StreamEntry>> read();
    Outcome deliver(const std::vector<StreamEntry>& entries);
    Outcome deliver_chunk(std::span<const StreamEntry> chunk);
    // Parses a 200/400 answer: false if it is not the /v1/events shape.
    bool sort_answer(std::string_view body, std::span<const StreamEntry* const> posted,
                     std::vector<const StreamEntry*>& retry, std::vector<DeadLetter>& dead,
                     std::vector<std::string_view>& accepted);
    Outcome settle(const std::vector<std::string_view>& accepted, const std::vector<DeadLetter>& dead);
    void redis_failed(std::string what);

    RedisStreamConsumer& consumer;
    RedisEndpoint endpoint;
    RedisConnection redis;
    LoopbackClient http;
    simdjson::dom::parser json;
    const std::string dead_letter_key;
    const std::string headers;  // of every POST
    std::string cursor = "0";  // next pending entry to re-read, while `re_reading_pending`
    bool re_reading_pending = true;
    std::string body;  // reused per POST
    RateLimit redis_log{3, std::chrono::seconds(10)};
    RateLimit engine_log{3, std::chrono::seconds(10)};
    RateLimit dead_log{5, std::chrono::seconds(10)};
};

void RedisStreamConsumer::Worker::redis_failed(std::string what) {
    consumer.connected_.store(false, std::memory_order_relaxed);
    redis.close();
    BIDLINE_WARN_RATE_LIMITED(redis_log, consumer.clock_.now(), "redis stream {}: {}", consumer.options_.key, what);
    consumer.record_error(&consumer.redis_errors_, std::move(what));
}

bool RedisStreamConsumer::Worker::connect() {
    const RedisStreamOptions& o = consumer.options_;
    if (!redis.connect(endpoint)) {
        redis_failed(redis.error());
        return false;
    }
    std::optional<RedisReply> r = redis.command({"XGROUP", "CREATE", o.key, o.group, o.start_id, "MKSTREAM"});
    if (!r) {
        redis_failed(redis.error());
        return false;
    }
    if (r->is_error() && !r->text().starts_with("BUSYGROUP")) {
        redis_failed("XGROUP CREATE " + o.key + " " + o.group + ": " + std::string(r->text()));
        return false;
    }
    // Entries delivered to us before a crash or a lost connection come first.
    cursor = "0";
    re_reading_pending = true;
    consumer.connected_.store(true, std::memory_order_relaxed);
    spdlog::info("redis stream {}: connected to {}:{} (group {}, consumer {})", o.key, o.host, o.port, o.group,
                 o.consumer);
    return true;
}

std::optional<std::vector<StreamEntry>> RedisStreamConsumer::Worker::read() {
    const RedisStreamOptions& o = consumer.options_;
    const std::string count = std::to_string(o.batch_entries), block = std::to_string(o.block.count());
    std::optional<RedisReply> r;
    if (re_reading_pending)
        r = redis.command({"XREADGROUP", "GROUP", o.group, o.consumer, "COUNT", count, "STREAMS", o.key, cursor});
    else
        r = redis.command(
            {"XREADGROUP", "GROUP", o.group, o.consumer, "COUNT", count, "BLOCK", block, "STREAMS", o.key, ">"});
    if (!r) {
        redis_failed(redis.error());
        return std::nullopt;
    }
    if (r->is_error()) {  // e.g. NOGROUP after the key was deleted: reconnecting re-creates the group
        redis_failed("XREADGROUP " + o.key + ": " + std::string(r->text()));
        return std::nullopt;
    }
    std::vector<StreamEntry> entries;
    const RedisValue streams = r->value();  // nil when BLOCK timed out
    for (std::size_t s = 0; s < streams.size(); ++s) {
        const RedisValue list = streams[s][1];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const RedisValue entry = list[i];
            StreamEntry e;
            e.id = std::string(entry[0].text());
            const RedisValue fields = entry[1];  // nil for a pending entry deleted from the stream
            for (std::size_t f = 0; f + 1 < fields.size(); f += 2)
                if (fields[f].text() == kEventField) {
                    e.event = std::string(fields[f + 1].text());
                    break;
                }
            if (!e.id.empty()) entries.push_back(std::move(e));
        }
    }
    if (re_reading_pending) {
        if (entries.empty())
            re_reading_pending = false;
        else
            cursor = entries.back().id;
    }
    consumer.entries_read_.fetch_add(entries.size(), std::memory_order_relaxed);
    return entries;
}

Outcome RedisStreamConsumer::Worker::deliver(const std::vector<StreamEntry>& entries) {
    // Split into bodies that fit the engine's limit (one line per entry).
    std::size_t begin = 0;
    while (begin < entries.size()) {
        std::size_t end = begin, bytes = 0;
        while (end < entries.size()) {
            const StreamEntry& e = entries[end];
            const std::size_t add = local_rejection(e, consumer.max_body_bytes_).empty() ? e.event->size() + 1 : 0;
            if (end > begin && bytes + add > consumer.max_body_bytes_) break;
            bytes += add;
            ++end;
        }
        const Outcome o = deliver_chunk(std::span<const StreamEntry>(entries.data() + begin, end - begin));
        if (o != Outcome::done) return o;
        begin = end;
    }
    return Outcome::done;
}

Outcome RedisStreamConsumer::Worker::deliver_chunk(std::span<const StreamEntry> chunk) {
    std::vector<std::string_view> accepted;
    std::vector<DeadLetter> dead;
    std::vector<const StreamEntry*> to_post, retry;
    for (const StreamEntry& e : chunk) {
        const std::string_view why = local_rejection(e, consumer.max_body_bytes_);
        if (!why.empty())
            dead.push_back({&e, std::string(why)});
        else
            to_post.push_back(&e);
    }
    std::chrono::milliseconds backoff = consumer.options_.backoff_min;
    bool stopping = false;
    while (!to_post.empty()) {
        body.clear();
        for (const StreamEntry* e : to_post) body.append(*e->event).push_back('\n');
        const LoopbackResponse answer = http.request("POST", "/v1/events", body, headers);
        retry.clear();
        std::string problem;
        if (answer.status == 200 || answer.status == 400) {
            if (sort_answer(answer.body, to_post, retry, dead, accepted)) {
                consumer.batches_posted_.fetch_add(1, std::memory_order_relaxed);
                if (retry.empty()) break;
                problem = "engine overloaded: " + std::to_string(retry.size()) + " of " +
                          std::to_string(to_post.size()) + " events to retry";
            } else {
                problem = "POST /v1/events: unexpected answer " + answer.body.substr(0, 200);
                retry = to_post;
            }
        } else {
            problem = answer.status == 0
                          ? "POST /v1/events: engine unreachable"
                          : "POST /v1/events: HTTP " + std::to_string(answer.status) + " " + answer.body.substr(0, 200);
            retry = to_post;
        }
        consumer.batches_retried_.fetch_add(1, std::memory_order_relaxed);
        BIDLINE_WARN_RATE_LIMITED(engine_log, consumer.clock_.now(), "redis stream {}: {}; retrying in {} ms",
                                  consumer.options_.key, problem, backoff.count());
        consumer.record_error(nullptr, std::move(problem));
        to_post.swap(retry);
        if (!consumer.pause(backoff)) {
            stopping = true;  // the rest stays pending: re-read on the next start
            break;
        }
        backoff = doubled(backoff, consumer.options_.backoff_max);
    }
    const Outcome settled = settle(accepted, dead);
    if (settled != Outcome::done) return settled;
    return stopping ? Outcome::stopping : Outcome::done;
}

bool RedisStreamConsumer::Worker::sort_answer(std::string_view answer, std::span<const StreamEntry* const> posted,
                                              std::vector<const StreamEntry*>& retry, std::vector<DeadLetter>& dead,
                                              std::vector<std::string_view>& accepted) {
    simdjson::dom::element doc;
    simdjson::dom::array rejected;
    if (json.parse(answer.data(), answer.size()).get(doc) != simdjson::SUCCESS) return false;
    if (doc["rejected"].get(rejected) != simdjson::SUCCESS) return false;
    std::vector<std::string> reason(posted.size());
    std::vector<char> is_rejected(posted.size(), 0);
    for (simdjson::dom::element item : rejected) {
        std::int64_t line = 0;
        std::string_view error;
        if (item["line"].get(line) != simdjson::SUCCESS || item["error"].get(error) != simdjson::SUCCESS || line < 1 ||
            static_cast<std::size_t>(line) > posted.size())
            return false;
        is_rejected[static_cast<std::size_t>(line - 1)] = 1;
        reason[static_cast<std::size_t>(line - 1)] = std::string(error);
    }
    for (std::size_t i = 0; i < posted.size(); ++i) {
        if (!is_rejected[i])
            accepted.push_back(posted[i]->id);
        else if (std::string_view(reason[i]).starts_with(kOverloaded))
            retry.push_back(posted[i]);
        else
            dead.push_back({posted[i], std::move(reason[i])});
    }
    return true;
}

Outcome RedisStreamConsumer::Worker::settle(const std::vector<std::string_view>& accepted,
                                            const std::vector<DeadLetter>& dead) {
    if (accepted.empty() && dead.empty()) return Outcome::done;
    const RedisStreamOptions& o = consumer.options_;
    // Dead letters and acks in one transaction: a crash in between can
    // neither drop a rejected entry nor dead-letter it twice.
    std::vector<RedisArgv> commands;
    commands.push_back({"MULTI"});
    for (const DeadLetter& d : dead)
        commands.push_back({"XADD", dead_letter_key, "*", "entry_id", d.entry->id, "event",
                            d.entry->event ? std::string_view(*d.entry->event) : std::string_view{}, "reason",
                            d.reason});
    RedisArgv ack{"XACK", o.key, o.group};
    ack.insert(ack.end(), accepted.begin(), accepted.end());
    for (const DeadLetter& d : dead) ack.push_back(d.entry->id);
    commands.push_back(std::move(ack));
    commands.push_back({"EXEC"});
    std::optional<std::vector<RedisReply>> replies = redis.pipeline(commands);
    if (!replies) {
        redis_failed(redis.error());
        return Outcome::redis_failed;
    }
    for (const RedisReply& r : *replies)
        if (r.is_error()) {
            redis_failed("MULTI/XADD/XACK on " + o.key + ": " + std::string(r.text()));
            return Outcome::redis_failed;
        }
    const RedisValue exec = replies->back().value();
    for (std::size_t i = 0; i < exec.size(); ++i)
        if (exec[i].is_error()) {
            redis_failed("XADD/XACK on " + o.key + ": " + std::string(exec[i].text()));
            return Outcome::redis_failed;
        }
    if (exec.size() != dead.size() + 1) {  // nil: the transaction was aborted
        redis_failed("MULTI/EXEC on " + o.key + " did not run");
        return Outcome::redis_failed;
    }
    consumer.entries_acked_.fetch_add(static_cast<std::uint64_t>(exec[exec.size() - 1].integer()),
                                      std::memory_order_relaxed);
    consumer.dead_lettered_.fetch_add(dead.size(), std::memory_order_relaxed);
    if (!dead.empty())
        BIDLINE_WARN_RATE_LIMITED(dead_log, consumer.clock_.now(), "redis stream {}: {} entries to {}, e.g. {}: {}",
                                  o.key, dead.size(), dead_letter_key, dead.front().entry->id, dead.front().reason);
    return Outcome::done;
}

RedisStreamConsumer::RedisStreamConsumer(RedisStreamOptions options, const Clock& clock, std::size_t max_body_bytes)
    : options_(std::move(options)), clock_(clock), max_body_bytes_(max_body_bytes) {}

RedisStreamConsumer::~RedisStreamConsumer() { stop(); }

void RedisStreamConsumer::start(std::string engine_host, std::uint16_t engine_port) {
    if (thread_.joinable()) return;
    engine_host_ = std::move(engine_host);
    engine_port_ = engine_port;
    {
        std::lock_guard lock(mutex_);  // start-up, before the consumer thread exists: off the bid path
        stop_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void RedisStreamConsumer::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool RedisStreamConsumer::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, d, [this] { return stop_; });
}

void RedisStreamConsumer::record_error(std::atomic<std::uint64_t>* counter, std::string message) {
    if (counter != nullptr) counter->fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    last_error_ = std::move(message);
}

void RedisStreamConsumer::run() {
    Worker w(*this);
    std::chrono::milliseconds backoff = options_.backoff_min;
    const auto failed = [&] {
        const bool go_on = pause(backoff);
        backoff = doubled(backoff, options_.backoff_max);
        return go_on;
    };
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stop_) break;
        }
        if (!w.redis.connected() && !w.connect()) {
            if (!failed()) break;
            continue;
        }
        std::optional<std::vector<StreamEntry>> entries = w.read();
        if (!entries) {
            if (!failed()) break;
            continue;
        }
        backoff = options_.backoff_min;
        if (entries->empty()) continue;
        const Outcome o = w.deliver(*entries);
        if (o == Outcome::stopping) break;
        if (o == Outcome::redis_failed && !failed()) break;
    }
    connected_.store(false, std::memory_order_relaxed);
}

RedisStreamCounters RedisStreamConsumer::counters() const {
    RedisStreamCounters c;
    c.entries_read = entries_read_.load(std::memory_order_relaxed);
    c.entries_acked = entries_acked_.load(std::memory_order_relaxed);
    c.dead_lettered = dead_lettered_.load(std::memory_order_relaxed);
    c.batches_posted = batches_posted_.load(std::memory_order_relaxed);
    c.batches_retried = batches_retried_.load(std::memory_order_relaxed);
    c.redis_errors = redis_errors_.load(std::memory_order_relaxed);
    c.connected = connected_.load(std::memory_order_relaxed);
    return c;
}

std::string RedisStreamConsumer::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

std::string RedisStreamConsumer::render_json() const {
    const RedisStreamCounters c = counters();
    JsonWriter j;
    j.begin_object()
        .key("redis_stream")
        .begin_object()
        .field("url", "redis://" + options_.host + ":" + std::to_string(options_.port) + "/" + options_.key)
        .field("key", options_.key)
        .field("group", options_.group)
        .field("consumer", options_.consumer)
        .field("dead_letter_key", options_.key + ":rejected")
        .field("connected", c.connected)
        .field("entries_read", c.entries_read)
        .field("entries_acked", c.entries_acked)
        .field("dead_lettered", c.dead_lettered)
        .field("batches_posted", c.batches_posted)
        .field("batches_retried", c.batches_retried)
        .field("redis_errors", c.redis_errors)
        .field("last_error", last_error())
        .end_object()
        .end_object();
    return j.take();
}

std::unique_ptr<RedisStreamConsumer> make_redis_stream_consumer(EngineState& state, const CliArgs& args) {
    const std::optional<std::string> url = args.get("redis-stream");
    if (!url) return nullptr;
    RedisStreamOptions options = parse_redis_stream_url(*url);
    if (state.api_keys && !state.api_keys->empty()) {
        // The consumer is a connector of this engine like any other: it needs
        // a key with the events scope. Its own, minted here, lives only in memory.
        Scopes events;
        events.add(Scope::events);
        MintedKey minted = mint_api_key("redis-stream", events);
        std::vector<ApiKey> keys = state.api_keys->keys();
        keys.push_back(std::move(minted.entry));
        state.api_keys = std::make_shared<const ApiKeyTable>(std::move(keys));
        options.api_key = std::move(minted.key);
    }
    auto consumer = std::make_unique<RedisStreamConsumer>(std::move(options), state.clock,
                                                          state.settings.limits.max_body_bytes);
    RedisStreamConsumer& c = *consumer;
    state.routes.push_back(
        {"/v1/stats/redis_stream", [&c](const HttpRequest& req, std::string_view, std::string& scratch) {
             RouteResponse r;
             if (req.method != HttpMethod::get && req.method != HttpMethod::head) {
                 scratch = R"({"error":"method_not_allowed","message":"this endpoint only answers GET"})";
                 r.status = 405;
                 r.allow = "GET, HEAD";
             } else {
                 scratch = c.render_json();
             }
             r.body = scratch;
             return r;
         }});
    return consumer;
}

}  // namespace bidline
