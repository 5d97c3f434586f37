// Attribution in /v1/stats, against the real binary: clicks and conversions
// join to a known bid by bid id within the window (click 24 h, conversion
// 7 d); a click for an unknown bid, or for a bid outside the window, is
// counted as an orphan (per line item it names, and in totals by reason),
// never dropped silently; a late click lands in the hour of its own time.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/wall_clock.h"

namespace bidline::test {
namespace {

using namespace std::chrono;

constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute;

std::string bid(std::string_view bid_id, std::int64_t ts_ms) {
    return std::string(R"({"type":"bid","event_id":"bid-)") + std::string(bid_id) + R"(","request_id":"r-)" +
           std::string(bid_id) + R"(","bid_id":")" + std::string(bid_id) +
           R"(","line_item":"li-acme-mrec-open","price":2.0,"ts":)" + std::to_string(ts_ms) + "}";
}

std::string outcome(std::string_view type, std::string_view event_id, std::string_view bid_id, std::int64_t ts_ms,
                    std::string_view line_item = {}) {
    std::string s = std::string(R"({"type":")") + std::string(type) + R"(","event_id":")" + std::string(event_id) +
                    R"(","bid_id":")" + std::string(bid_id) + R"(","ts":)" + std::to_string(ts_ms);
    if (!line_item.empty()) s += R"(,"line_item":")" + std::string(line_item) + "\"";
    if (type == "conversion") s += R"(,"value":10.0)";
    return s + "}";
}

struct Attribution {
    std::int64_t li_clicks_joined = -1, li_clicks_orphaned = -1, li_conversions_joined = -1;
    std::int64_t total_clicks_joined = -1, total_clicks_orphaned = -1, total_conversions_orphaned = -1;
    std::int64_t unknown_bid_clicks = -1, outside_window_clicks = -1, unknown_bid_conversions = -1;
    std::int64_t late_hour_clicks = -1, current_hour_clicks = -1;
};

Attribution attribution(EngineProcess& engine, std::int64_t late_hour_us, std::int64_t current_hour_us) {
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    const HttpResponse r = c.request("GET", "/v1/stats");
    simdjson::dom::element doc = parser.parse(r.body);
    Attribution a;
    for (simdjson::dom::element li : doc["line_items"].get_array()) {
        if (std::string_view(li["id"].get_string()) != "li-acme-mrec-open") continue;
        a.li_clicks_joined = li["clicks_joined"].get_int64();
        a.li_clicks_orphaned = li["clicks_orphaned"].get_int64();
        a.li_conversions_joined = li["conversions_joined"].get_int64();
        a.late_hour_clicks = a.current_hour_clicks = 0;
        for (simdjson::dom::element h : li["attribution_hours"].get_array()) {
            const std::int64_t hour = h["hour_us"].get_int64();
            if (hour == late_hour_us) a.late_hour_clicks = h["clicks"].get_int64();
            if (hour == current_hour_us) a.current_hour_clicks = h["clicks"].get_int64();
        }
    }
    a.total_clicks_joined = doc["totals"]["clicks_joined"].get_int64();
    a.total_clicks_orphaned = doc["totals"]["clicks_orphaned"].get_int64();
    a.total_conversions_orphaned = doc["totals"]["conversions_orphaned"].get_int64();
    a.unknown_bid_clicks = doc["attribution"]["orphan_clicks_unknown_bid"].get_int64();
    a.outside_window_clicks = doc["attribution"]["orphan_clicks_outside_window"].get_int64();
    a.unknown_bid_conversions = doc["attribution"]["orphan_conversions_unknown_bid"].get_int64();
    return a;
}

TEST(EventJoinStats, JoinedOrphanedAndLateOutcomesAreCountedWhereTheyBelong) {
    EngineProcess engine({"serve", "--shards", "2"});
    HttpClient c(engine.host(), engine.port());
    const std::int64_t now = now_ms();
    // Keep the "current" click clear of an hour boundary crossed during the test.
    const std::int64_t current = now - 2 * kMinute;
    const std::int64_t late = now - 150 * kMinute;  // 2.5 h ago
    const auto hour_us = [](std::int64_t ms) { return (ms / kHour) * kHour * 1000; };

    // Anchors first, in their own request: then the outcomes find them.
    std::string anchors = bid("join-fresh", current - kMinute) + "\n" + bid("join-late", late - 10 * kMinute) + "\n" +
                          bid("join-old", now - 3 * 24 * kHour) + "\n";
    HttpResponse a = c.request("POST", "/v1/events", anchors);
    ASSERT_EQ(a.status, 200) << a.body;

    std::string outcomes = outcome("click", "c-fresh", "join-fresh", current) + "\n" +  // joined (names no line item)
                           outcome("click", "c-late", "join-late", late) + "\n" +       // joined, in the late hour
                           outcome("click", "c-unknown", "nobody-bid", current, "li-acme-mrec-open") +
                           "\n" +                                                   // orphan: unknown bid
                           outcome("click", "c-old", "join-old", current) + "\n" +  // orphan: 3 days after its bid
                           outcome("conversion", "v-fresh", "join-fresh", current) + "\n" +    // joined
                           outcome("conversion", "v-unknown", "nobody-else", current) + "\n";  // orphan: unknown bid
    HttpResponse o = c.request("POST", "/v1/events", outcomes);
    ASSERT_EQ(o.status, 200) << o.body;
    // A click notice for a bid id nobody knows: also an orphan, of the line item it names.
    ASSERT_EQ(c.request("GET", "/v1/notice/click?bid=00000000deadbeef&li=li-acme-mrec-open").status, 200);

    Attribution got;
    const auto deadline = steady_clock::now() + seconds(5);
    while (steady_clock::now() < deadline) {
        got = attribution(engine, hour_us(late), hour_us(current));
        if (got.total_clicks_orphaned >= 3 && got.total_clicks_joined >= 2 && got.total_conversions_orphaned >= 1)
            break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_EQ(got.li_clicks_joined, 2);
    EXPECT_EQ(got.li_conversions_joined, 1);
    EXPECT_EQ(got.li_clicks_orphaned, 2) << "c-unknown and the notice name the line item";
    EXPECT_EQ(got.total_clicks_joined, 2);
    EXPECT_EQ(got.total_clicks_orphaned, 3);
    EXPECT_EQ(got.unknown_bid_clicks, 2);
    EXPECT_EQ(got.outside_window_clicks, 1);
    EXPECT_EQ(got.unknown_bid_conversions, 1);
    EXPECT_EQ(got.total_conversions_orphaned, 1);
    // The late click is in its own hour, not the hour it arrived in.
    EXPECT_EQ(got.late_hour_clicks, 1);
    EXPECT_EQ(got.current_hour_clicks, 1) << "only c-fresh joined in the current hour";
}

// Any order: a click and a conversion that arrive before their bid are
// orphans (unknown bid) until the bid shows up, then count as joined — in
// the line item's figures and in the totals — exactly as if they had come
// in order.
TEST(EventJoinStats, OutcomesBeforeTheirBidAreJoinedWhenItArrives) {
    EngineProcess engine({"serve", "--shards", "2"});
    HttpClient c(engine.host(), engine.port());
    const std::int64_t t = now_ms() - 2 * kMinute;
    const auto hour_us = [](std::int64_t ms) { return (ms / kHour) * kHour * 1000; };
    const std::string early = outcome("click", "early-click", "reorder-1", t, "li-acme-mrec-open") + "\n" +
                              outcome("conversion", "early-conv", "reorder-1", t, "li-acme-mrec-open") + "\n";
    ASSERT_EQ(c.request("POST", "/v1/events", early).status, 200);
    Attribution before;
    for (const auto deadline = steady_clock::now() + seconds(5); steady_clock::now() < deadline;) {
        before = attribution(engine, hour_us(t), hour_us(t));
        if (before.total_clicks_orphaned == 1 && before.total_conversions_orphaned == 1) break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    ASSERT_EQ(before.li_clicks_orphaned, 1);
    ASSERT_EQ(before.unknown_bid_clicks, 1);
    ASSERT_EQ(before.li_clicks_joined, 0);

    ASSERT_EQ(c.request("POST", "/v1/events", bid("reorder-1", t - kMinute) + "\n").status, 200);
    Attribution after;
    for (const auto deadline = steady_clock::now() + seconds(5); steady_clock::now() < deadline;) {
        after = attribution(engine, hour_us(t), hour_us(t));
        if (after.total_clicks_joined == 1 && after.li_conversions_joined == 1) break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_EQ(after.li_clicks_joined, 1);
    EXPECT_EQ(after.li_conversions_joined, 1);
    EXPECT_EQ(after.li_clicks_orphaned, 0);
    EXPECT_EQ(after.total_clicks_joined, 1);
    EXPECT_EQ(after.total_clicks_orphaned, 0);
    EXPECT_EQ(after.total_conversions_orphaned, 0);
    EXPECT_EQ(after.unknown_bid_clicks, 0);
    EXPECT_EQ(after.current_hour_clicks, 1) << "the click is in its own hour";
}

}  // namespace
}  // namespace bidline::test
