// `serve --redis-stream` against a real redis-server on loopback: every
// entry counts exactly once and is acknowledged only after it is durable;
// duplicates count once; garbage goes to `<key>:rejected` with a reason and
// is acknowledged; kill -9 loses and doubles nothing; and the engine keeps
// bidding while Redis is away, then catches up.
//
// No fixed sleeps: every wait polls a condition under a deadline. "Exact"
// checks wait for a stats tick rendered after the last entry was
// acknowledged: the control loop drains the rings before it renders, and an
// entry is acknowledged only after its POST was answered, i.e. after its
// event was pushed to a ring.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/redis_stream_consumer.h"
#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/redis_server.h"
#include "support/scratch_dir.h"
#include "support/wall_clock.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kLineItem = "li-acme-mrec-open";
constexpr const char* kGroup = "bidline";

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A win at 1.00 CPM (1,000 micros) with its own bid id.
std::string win_line(std::uint64_t n) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"win","event_id":"w%llu","bid_id":"%016llx","line_item":"%s","price":1.0,"ts":%lld})",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(0x6000000000000000ull + n),
                  std::string(kLineItem).c_str(), static_cast<long long>(now_ms()));
    return buf;
}

std::string click_line(std::uint64_t n) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"click","event_id":"c%llu","bid_id":"%016llx","line_item":"%s","ts":%lld})",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(0x6000000000000000ull + n),
                  std::string(kLineItem).c_str(), static_cast<long long>(now_ms()));
    return buf;
}

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

struct LedgerFigures {
    std::int64_t time_us = 0, wins = -1, clicks = -1, spend_total = -1;
};

// `auth`: the headers of a read key, when the engine has keys.
LedgerFigures ledger(EngineProcess& engine, const HeaderList& auth = {}) {
    HttpClient c(engine.host(), engine.port());
    const HttpResponse r = c.request("GET", "/v1/stats", {}, auth);
    if (r.status != 200) throw std::runtime_error("GET /v1/stats: " + std::to_string(r.status) + " " + r.body);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    LedgerFigures f;
    f.time_us = doc["time_us"].get_int64();
    for (simdjson::dom::element li : doc["line_items"].get_array()) {
        if (std::string_view(li["id"].get_string()) != kLineItem) continue;
        f.wins = li["wins"].get_int64();
        f.clicks = li["clicks"].get_int64();
        f.spend_total = li["spend_total_micros"].get_int64();
    }
    return f;
}

// The ledger as of a control tick that started after now: everything pushed
// to the rings before this call is in it.
LedgerFigures settled_ledger(EngineProcess& engine, const HeaderList& auth = {}) {
    const std::int64_t after = now_us();
    LedgerFigures f;
    EXPECT_TRUE(eventually([&] { return (f = ledger(engine, auth)).time_us > after; })) << "no control tick";
    return f;
}

struct ConsumerFigures {
    bool connected = false;
    std::int64_t read = 0, acked = 0, dead = 0, posted = 0, retried = 0, redis_errors = 0;
    std::string last_error;
};

ConsumerFigures consumer(EngineProcess& engine, const HeaderList& auth = {}) {
    HttpClient c(engine.host(), engine.port());
    const HttpResponse r = c.request("GET", "/v1/stats/redis_stream", {}, auth);
    if (r.status != 200)
        throw std::runtime_error("GET /v1/stats/redis_stream: " + std::to_string(r.status) + " " + r.body);
    simdjson::dom::parser parser;
    simdjson::dom::element s = parser.parse(r.body)["redis_stream"];
    ConsumerFigures f;
    f.connected = s["connected"].get_bool();
    f.read = s["entries_read"].get_int64();
    f.acked = s["entries_acked"].get_int64();
    f.dead = s["dead_lettered"].get_int64();
    f.posted = s["batches_posted"].get_int64();
    f.retried = s["batches_retried"].get_int64();
    f.redis_errors = s["redis_errors"].get_int64();
    f.last_error = std::string(s["last_error"].get_string().value());
    return f;
}

// The group exists once the consumer says it is connected: only then do
// entries added with the default start ($) reach it.
void await_connected(EngineProcess& engine) {
    ASSERT_TRUE(eventually([&] { return consumer(engine).connected; })) << engine.describe();
}

std::vector<std::string> serve_args(const RedisServer& redis, const std::string& query = "feed") {
    return {"serve", "--shards", "2", "--redis-stream", redis.url(query)};
}

// Nothing delivered to the group is left unacknowledged and nothing is left undelivered.
bool drained(RedisClient& r, const std::string& key) {
    if (r.xpending(key, kGroup) != 0) return false;
    const auto entries = r.xrange(key);
    if (entries.empty()) return true;
    // XINFO GROUPS: the group's last-delivered-id has reached the newest entry.
    const std::string last = entries.back().id;
    return r.command({"EVAL",
                      "for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do "
                      "  local t = {} for i = 1, #g, 2 do t[g[i]] = g[i + 1] end "
                      "  if t['name'] == ARGV[1] then return t['last-delivered-id'] end "
                      "end return ''",
                      "1", key, kGroup}) == last;
}

TEST(RedisStreamUrl, DefaultsAndErrors) {
    const RedisStreamOptions o = parse_redis_stream_url("redis://10.0.0.7/events%3Aeu");
    EXPECT_EQ(o.host, "10.0.0.7");
    EXPECT_EQ(o.port, 6379);
    EXPECT_EQ(o.key, "events:eu");
    EXPECT_EQ(o.group, "bidline");
    EXPECT_EQ(o.consumer, "bidline") << "stable across restarts, so pending entries are found again";
    EXPECT_EQ(o.start_id, "$");
    const RedisStreamOptions p = parse_redis_stream_url("redis://127.0.0.1:7000/feed?consumer=node-a&group=g1&start=0");
    EXPECT_EQ(p.port, 7000);
    EXPECT_EQ(p.key, "feed");
    EXPECT_EQ(p.group, "g1");
    EXPECT_EQ(p.consumer, "node-a");
    EXPECT_EQ(p.start_id, "0");
    for (const char* bad : {"http://h/k", "redis://h", "redis://h/", "redis://h:0/k", "redis://h:70000/k",
                            "redis://h:x/k", "redis://user:pw@h/k", "redis://h/k?start=1"})
        EXPECT_THROW(parse_redis_stream_url(bad), CliError) << bad;
}

TEST(RedisStream, EveryEntryAppliedOnceAndAckedAfterDurability) {
    RedisServer redis;
    EngineProcess engine(serve_args(redis));
    EXPECT_NE(engine.captured_stdout().find("bidline: consuming redis stream feed (group bidline)"), std::string::npos)
        << engine.captured_stdout();
    await_connected(engine);

    RedisClient r(redis.host(), redis.port());
    constexpr int kWins = 500, kClicks = 300;
    // All in one script, so the consumer reads them as one batch (~90 KB): larger than
    // the engine's 64 KiB body limit, it must be split into several POSTs.
    std::vector<std::string> eval = {
        "EVAL",
        "for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'event', ARGV[i], 'source', 'test') "
        "end return #ARGV",
        "1", "feed"};
    for (int i = 1; i <= kWins; ++i) eval.push_back(win_line(i));
    for (int i = 1; i <= kClicks; ++i) eval.push_back(click_line(i));
    ASSERT_EQ(r.command(eval), std::to_string(kWins + kClicks));

    ASSERT_TRUE(eventually([&] { return consumer(engine).acked == kWins + kClicks; })) << engine.describe();
    EXPECT_TRUE(drained(r, "feed"));
    const LedgerFigures f = settled_ledger(engine);
    EXPECT_EQ(f.wins, kWins);
    EXPECT_EQ(f.clicks, kClicks);
    EXPECT_EQ(f.spend_total, kWins * 1'000);
    const ConsumerFigures c = consumer(engine);
    EXPECT_EQ(c.read, kWins + kClicks);
    EXPECT_EQ(c.dead, 0);
    EXPECT_GE(c.posted, 2) << "one batch of ~90 KB goes as several bodies";
    // Every body fits the engine's limit: a retry may only be for load
    // (the engine answers "overloaded" lines when its log is busy).
    EXPECT_TRUE(c.retried == 0 || c.last_error.starts_with("engine overloaded")) << c.last_error;
    EXPECT_EQ(r.xlen("feed:rejected"), 0);
    EXPECT_TRUE(engine.stop().has_value());
}

TEST(RedisStream, WithApiKeysTheConsumerPostsWithItsOwnInMemoryKey) {
    const ScratchDir dir("bidline-redis-keys");
    const auto keys = dir.path() / "keys.txt";
    const CliRun minted = run_bidline({"keys", "add", "--file", keys.string(), "--name", "dashboard", "--scopes", "read"});
    ASSERT_EQ(minted.exit_code, 0) << minted.err;
    const HeaderList reader{{"Authorization", "Bearer " + minted.out.substr(0, minted.out.find('\n'))}};
    RedisServer redis;
    std::vector<std::string> args = serve_args(redis, "keyed");
    args.insert(args.end(), {"--api-keys", keys.string()});
    EngineProcess engine(args);
    ASSERT_TRUE(eventually([&] { return consumer(engine, reader).connected; })) << engine.describe();
    RedisClient r(redis.host(), redis.port());
    constexpr int kWins = 50;
    for (int i = 1; i <= kWins; ++i) r.xadd("keyed", {{"event", win_line(i)}});

    ASSERT_TRUE(eventually([&] { return consumer(engine, reader).acked == kWins; })) << engine.describe();
    EXPECT_EQ(consumer(engine, reader).dead, 0) << "no 401s dead-lettered";
    EXPECT_EQ(settled_ledger(engine, reader).wins, kWins);
    // The key file still holds only the operator's key; the consumer's key is nowhere on disk or in the output.
    EXPECT_EQ(run_bidline({"keys", "list", "--file", keys.string()}).out.find("redis-stream"), std::string::npos);
    EXPECT_EQ(engine.captured_stdout().find("bl_"), std::string::npos);
    EXPECT_EQ(engine.captured_stderr().find("bl_"), std::string::npos);
}

TEST(RedisStream, DuplicateEntriesCountOnce) {
    RedisServer redis;
    EngineProcess engine(serve_args(redis, "dupes?group=" + std::string(kGroup) + "&consumer=node-a"));
    await_connected(engine);
    RedisClient r(redis.host(), redis.port());
    constexpr int kDistinct = 100;
    // Each event twice (a producer's retry), once right away and once later.
    for (int i = 1; i <= kDistinct; ++i) r.xadd("dupes", {{"event", win_line(i)}});
    for (int i = 1; i <= kDistinct; ++i) r.xadd("dupes", {{"event", click_line(i)}});
    for (int i = 1; i <= kDistinct; ++i) r.xadd("dupes", {{"event", win_line(i)}});
    for (int i = 1; i <= kDistinct; ++i) r.xadd("dupes", {{"event", click_line(i)}});

    ASSERT_TRUE(eventually([&] { return consumer(engine).acked == 4 * kDistinct; })) << engine.describe();
    EXPECT_TRUE(drained(r, "dupes"));
    const LedgerFigures f = settled_ledger(engine);
    EXPECT_EQ(f.wins, kDistinct) << "a redelivered win counts once";
    EXPECT_EQ(f.clicks, kDistinct) << "a redelivered click counts once";
    EXPECT_EQ(f.spend_total, kDistinct * 1'000);
    EXPECT_EQ(consumer(engine).dead, 0) << "duplicates are not errors";
}

TEST(RedisStream, GarbageIsDeadLetteredWithItsReasonAndGoodEntriesApply) {
    RedisServer redis;
    EngineProcess engine(serve_args(redis));
    await_connected(engine);
    RedisClient r(redis.host(), redis.port());

    struct Added {
        std::string id, event;
        bool good;
    };
    std::vector<Added> added;
    const auto add = [&](std::vector<std::pair<std::string, std::string>> fields, bool good) {
        std::string event;
        for (const auto& [k, v] : fields)
            if (k == "event") event = v;
        added.push_back({r.xadd("feed", fields), event, good});
    };
    // Added in one burst: the consumer usually sees good and bad entries in one batch.
    add({{"event", win_line(1)}}, true);
    add({{"event", "not json"}}, false);
    add({{"payload", win_line(2)}}, false);  // no `event` field
    add({{"event",
          R"({"type":"win","event_id":"neg","bid_id":"6000000000000009","line_item":"li-acme-mrec-open","price":-1,"ts":)" +
              std::to_string(now_ms()) + "}"}},
        false);
    add({{"event", click_line(1)}}, true);
    add({{"event", win_line(3) + "\n" + win_line(4)}}, false);  // two lines in one entry
    add({{"event", "   "}}, false);
    add({{"event", R"({"type":"teleport","event_id":"t1","ts":1795400000000})"}}, false);
    const std::size_t bad = 6;

    ASSERT_TRUE(eventually([&] { return consumer(engine).acked == static_cast<std::int64_t>(added.size()); }))
        << engine.describe();
    EXPECT_TRUE(drained(r, "feed")) << "rejected entries are acknowledged too";
    const std::vector<StreamEntry> dead = r.xrange("feed:rejected");
    ASSERT_EQ(dead.size(), bad);
    for (const Added& a : added) {
        if (a.good) continue;
        const StreamEntry* letter = nullptr;
        for (const StreamEntry& d : dead)
            if (d.field("entry_id") == a.id) letter = &d;
        ASSERT_NE(letter, nullptr) << "entry " << a.id << " (" << a.event << ") is not in feed:rejected";
        EXPECT_EQ(letter->field("event").value_or("?"), a.event);
        EXPECT_FALSE(letter->field("reason").value_or("").empty()) << a.event;
    }
    EXPECT_EQ(consumer(engine).dead, static_cast<std::int64_t>(bad));
    const LedgerFigures f = settled_ledger(engine);
    EXPECT_EQ(f.wins, 1);
    EXPECT_EQ(f.clicks, 1);
    EXPECT_EQ(f.spend_total, 1'000);
}

TEST(RedisStream, KillNineLosesNothingAndDoublesNothing) {
    RedisServer redis;
    const auto data_dir = std::filesystem::path(testing::TempDir()) / ("redis-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    std::vector<std::string> args = serve_args(redis, "feed?consumer=node-a");
    args.insert(args.end(), {"--data-dir", data_dir.string()});
    constexpr int kEntries = 6000;

    std::atomic<int> added{0};
    std::atomic<bool> engine_down{false};
    int killed_after = 0;  // entries added when the engine died
    std::string writer_error;
    {
        EngineProcess engine(args);
        await_connected(engine);
        // A producer adds entries in small bursts while the engine consumes them, and goes on while it is down.
        std::thread writer([&] {
            try {
                RedisClient w(redis.host(), redis.port());
                for (int i = 1; i <= kEntries; ++i) {
                    // Half the entries wait for the kill, however slowly the engine
                    // consumes (a sanitizer build on a busy machine): the kill lands
                    // mid-stream and the rest are added while the engine is down.
                    while (i == kEntries / 2 && !engine_down.load()) std::this_thread::sleep_for(1ms);
                    w.xadd("feed", {{"event", win_line(i)}});
                    added.store(i);
                    if (i % 20 == 0) std::this_thread::sleep_for(2ms);  // pacing, not synchronisation
                }
            } catch (const std::exception& e) {
                writer_error = e.what();
            }
        });
        const bool flowing = eventually([&] { return consumer(engine).acked >= 500; });
        engine.send_signal(SIGKILL);
        const bool killed = engine.wait_exit(30s).has_value();
        killed_after = added.load();
        engine_down.store(true);
        writer.join();
        ASSERT_TRUE(writer_error.empty()) << writer_error;
        ASSERT_TRUE(flowing) << engine.describe();
        ASSERT_TRUE(killed);
    }
    RedisClient r(redis.host(), redis.port());
    ASSERT_EQ(r.xlen("feed"), kEntries);
    ASSERT_FALSE(drained(r, "feed")) << "the engine died with entries still to consume (else this proves nothing)";
    // Usually > 0: delivered, maybe durable, not acknowledged; the restart re-reads them.
    RecordProperty("pending_at_kill", std::to_string(r.xpending("feed", kGroup)));

    EXPECT_LT(killed_after, kEntries) << "the kill should land while entries are still being added";

    EngineProcess engine(args);  // same data dir, same consumer name: re-reads its pending entries
    ASSERT_TRUE(eventually([&] { return drained(r, "feed"); }, 60s)) << engine.describe();
    const LedgerFigures f = settled_ledger(engine);
    EXPECT_EQ(f.wins, kEntries) << "each entry counts exactly once across the crash";
    EXPECT_EQ(f.spend_total, std::int64_t{kEntries} * 1'000);
    EXPECT_EQ(r.xlen("feed:rejected"), 0);
    EXPECT_TRUE(engine.stop().has_value());
    std::filesystem::remove_all(data_dir);
}

TEST(RedisStream, EngineBidsWhileRedisIsAwayAndCatchesUpAfter) {
    const std::uint16_t port = free_loopback_port();
    EngineProcess engine(
        {"serve", "--shards", "2", "--redis-stream", "redis://127.0.0.1:" + std::to_string(port) + "/feed"});
    const std::string bid = read_file(simple_banner_request_file());
    const auto bids_are_answered = [&] {
        HttpClient c(engine.host(), engine.port());
        const int status = c.post_bid(bid, {{"Content-Type", "application/json"}}).status;
        return status == 200 || status == 204;
    };

    // Redis is not there: errors are counted, bids are answered.
    ASSERT_TRUE(eventually([&] { return consumer(engine).redis_errors >= 2; })) << engine.describe();
    ConsumerFigures c = consumer(engine);
    EXPECT_FALSE(c.connected);
    EXPECT_NE(c.last_error.find(std::to_string(port)), std::string::npos) << c.last_error;
    EXPECT_TRUE(bids_are_answered());

    // Redis comes up: the consumer connects and catches up.
    RedisServer redis(port);
    await_connected(engine);
    RedisClient r(redis.host(), redis.port());
    for (int i = 1; i <= 100; ++i) r.xadd("feed", {{"event", win_line(i)}});
    ASSERT_TRUE(eventually([&] { return drained(r, "feed") && consumer(engine).acked == 100; })) << engine.describe();
    EXPECT_EQ(settled_ledger(engine).wins, 100);

    // Redis restarts (empty: nothing is persisted): reconnect, re-create the group, go on.
    const std::int64_t errors_before = consumer(engine).redis_errors;
    redis.stop();
    ASSERT_TRUE(eventually([&] { return consumer(engine).redis_errors > errors_before; })) << engine.describe();
    EXPECT_TRUE(bids_are_answered());
    redis.start();
    await_connected(engine);
    RedisClient r2(redis.host(), redis.port());
    for (int i = 101; i <= 150; ++i) r2.xadd("feed", {{"event", win_line(i)}});
    ASSERT_TRUE(eventually([&] { return drained(r2, "feed") && consumer(engine).acked == 150; })) << engine.describe();
    const LedgerFigures f = settled_ledger(engine);
    EXPECT_EQ(f.wins, 150);
    EXPECT_EQ(f.spend_total, 150'000);
    EXPECT_TRUE(bids_are_answered());
    EXPECT_TRUE(engine.stop().has_value());
}

}  // namespace
}  // namespace bidline::test
