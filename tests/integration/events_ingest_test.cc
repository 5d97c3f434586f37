// POST /v1/events against the real binary: per-line acceptance with line
// numbers, de-duplication, durability before acknowledgement, and exactly-
// once accounting across kill -9: every acknowledged event is in the ledger
// after a restart, and a client retrying its unacknowledged batch does not
// count anything twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/wall_clock.h"

namespace bidline::test {
namespace {

std::string win_line(std::uint64_t n, double price_cpm) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"win","event_id":"w%llu","bid_id":"%016llx","line_item":"li-acme-mrec-open","price":%.3f,"ts":%lld})",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(0x7000000000000000ull + n), price_cpm,
                  static_cast<long long>(now_ms()));
    return buf;
}

struct LineItemFigures {
    std::int64_t wins = -1, clicks = -1, spend_total = -1;
};

LineItemFigures figures(EngineProcess& engine, std::string_view id) {
    HttpClient c(engine.host(), engine.port());
    // Stats are rendered by the control loop each tick; wait for the events to be applied.
    simdjson::dom::parser parser;
    HttpResponse r = c.request("GET", "/v1/stats");
    EXPECT_EQ(r.status, 200);
    simdjson::dom::element doc = parser.parse(r.body);
    for (simdjson::dom::element li : doc["line_items"].get_array()) {
        if (std::string_view(li["id"].get_string()) != id) continue;
        return {li["wins"].get_int64(), li["clicks"].get_int64(), li["spend_total_micros"].get_int64()};
    }
    ADD_FAILURE() << "line item " << id << " not in stats";
    return {};
}

// Polls until the ledger shows `wins` (the control loop applies events on its next tick).
LineItemFigures await_wins(EngineProcess& engine, std::int64_t wins) {
    LineItemFigures f;
    for (int i = 0; i < 200; ++i) {
        f = figures(engine, "li-acme-mrec-open");
        if (f.wins >= wins) return f;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return f;
}

TEST(EventsIngest, EachLineAcceptedOrRejectedWithItsLineNumber) {
    EngineProcess engine({"serve", "--shards", "2"});
    HttpClient c(engine.host(), engine.port());
    std::string body = win_line(1, 2.0) + "\n" +                        // 1 ok
                       "not json\n" +                                  // 2 rejected
                       win_line(1, 2.0) + "\n" +                       // 3 duplicate: accepted, counted once
                       R"({"type":"win","event_id":"x","line_item":"li-acme-mrec-open","price":-1,"ts":1795400000000})" "\n" +  // 4 negative price
                       "\n" +                                          // 5 blank: skipped
                       R"({"type":"click","event_id":"c1","bid_id":"7000000000000001","line_item":"li-acme-mrec-open","ts":)" +
                       std::to_string(now_ms()) + "}\n";               // 6 ok
    HttpResponse r = c.request("POST", "/v1/events", body);
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    EXPECT_EQ(std::int64_t(doc["accepted"].get_int64()), 3);
    std::vector<std::int64_t> lines;
    for (auto rej : doc["rejected"].get_array()) {
        lines.push_back(rej["line"].get_int64());
        EXPECT_FALSE(std::string_view(rej["error"].get_string()).empty());
    }
    EXPECT_EQ(lines, (std::vector<std::int64_t>{2, 4}));

    const LineItemFigures f = await_wins(engine, 1);
    EXPECT_EQ(f.wins, 1) << "the duplicate win counts once";
    EXPECT_EQ(f.spend_total, 2'000) << "2.00 CPM is 2,000 micros for one impression";
    EXPECT_EQ(f.clicks, 1);

    // A batch with nothing valid is the client's mistake: 400 with the list.
    HttpResponse bad = c.request("POST", "/v1/events", "garbage\n{\"type\":\"teleport\"}\n");
    EXPECT_EQ(bad.status, 400) << bad.body;
    // Events are durable before they are acknowledged: the log has them.
    EXPECT_TRUE(std::filesystem::exists(engine.data_dir() / "events"));
}

TEST(EventsIngest, KillNineLosesNoAcknowledgedEventAndRetriesCountOnce) {
    const auto data_dir = std::filesystem::path(testing::TempDir()) / ("events-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    constexpr std::uint64_t kBatch = 50;
    std::uint64_t next = 1;
    std::uint64_t acked_events = 0;
    std::string unacked;  // the batch in flight when the engine died
    {
        EngineProcess engine({"serve", "--shards", "2", "--data-dir", data_dir.string()});
        std::thread killer([&] {
            std::mt19937 rng(static_cast<unsigned>(::getpid()));
            std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 250));
            engine.send_signal(SIGKILL);
        });
        HttpClient c(engine.host(), engine.port(), std::chrono::milliseconds(2000));
        for (int b = 0; b < 100000; ++b) {
            std::string body;
            for (std::uint64_t i = 0; i < kBatch; ++i) body += win_line(next + i, 1.0) + "\n";
            try {
                HttpResponse r = c.request("POST", "/v1/events", body);
                if (r.status != 200) {
                    unacked = body;
                    break;
                }
                acked_events += kBatch;
                next += kBatch;
            } catch (const std::exception&) {
                unacked = body;  // no answer: we do not know whether it was durable
                break;
            }
        }
        killer.join();
        ASSERT_TRUE(engine.wait_exit(std::chrono::seconds(30)).has_value());
    }
    ASSERT_GT(acked_events, 0u) << "the engine should have acknowledged some batches before the kill";

    EngineProcess engine({"serve", "--shards", "2", "--data-dir", data_dir.string()});
    LineItemFigures f = await_wins(engine, static_cast<std::int64_t>(acked_events));
    EXPECT_GE(f.wins, static_cast<std::int64_t>(acked_events)) << "an acknowledged event was lost";
    EXPECT_LE(f.wins, static_cast<std::int64_t>(acked_events + kBatch)) << "more than was ever sent";
    // The client retries what it never saw acknowledged: the ledger ends exactly at what was sent.
    if (!unacked.empty()) {
        HttpClient c(engine.host(), engine.port());
        ASSERT_EQ(c.request("POST", "/v1/events", unacked).status, 200);
    }
    const std::int64_t sent = static_cast<std::int64_t>(acked_events + (unacked.empty() ? 0 : kBatch));
    f = await_wins(engine, sent);
    EXPECT_EQ(f.wins, sent) << "each win counts exactly once across the crash and the retry";
    EXPECT_EQ(f.spend_total, sent * 1'000);
    std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace bidline::test
