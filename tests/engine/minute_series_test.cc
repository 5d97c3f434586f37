// The one-minute series behind /v1/stats and /v1/stats/series: counts land
// in the minute they happened, a quiet stretch reads as zeros, nothing
// older than 24 h survives, and the control loop feeds it from the ledger.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <vector>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/minute_series.h"
#include "bidline/engine/rate_limited_log.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kUsPerMinute = 60'000'000;

// Line item 0 fed increments by minute, turned into the cumulative ledger
// figures the control loop feeds.
struct FedSeries {
    LineItemSeries series;
    MinuteSample total;

    void add(std::int64_t minute, const MinuteSample& delta) {
        total.spend_micros += delta.spend_micros;
        total.bids += delta.bids;
        total.wins += delta.wins;
        total.clicks += delta.clicks;
        series.observe(0, minute * kUsPerMinute, total);
    }
    std::shared_ptr<const SeriesFrame> frame(std::int64_t now_minute) {
        series.publish(now_minute * kUsPerMinute, LineItemSeries::Publish::now);
        return series.published();
    }
    // What /v1/stats/series writes, checked against what /v1/stats writes
    // from the control thread's own copy.
    std::string json(std::int64_t now_minute, int minutes) {
        JsonWriter published, live;
        write_series_json(published, *frame(now_minute), 0, minutes);
        series.write_json(live, 0, now_minute * kUsPerMinute, minutes);
        std::string out = published.take();
        EXPECT_EQ(out, live.take());
        return out;
    }
};

TEST(LineItemSeries, CountsLandInTheirMinuteAndQuietMinutesReadZero) {
    FedSeries s;
    s.add(1000, {5, 1, 1, 0});
    s.add(1000, {7, 2, 0, 1});
    s.add(1003, {1, 1, 0, 0});
    const auto f = s.frame(1003);
    EXPECT_EQ(f->at(0, 1000).spend_micros, 12);
    EXPECT_EQ(f->at(0, 1000).bids, 3u);
    EXPECT_EQ(f->at(0, 1000).clicks, 1u);
    EXPECT_EQ(f->at(0, 1001).spend_micros, 0);
    EXPECT_EQ(f->at(0, 1003).spend_micros, 1);
    EXPECT_EQ(f->at(0, 999).bids, 0u) << "before recording began";
    EXPECT_EQ(f->at(1, 1003).bids, 0u) << "a line item never observed";
    EXPECT_EQ(
        s.json(1003, 60),
        R"({"start_minute":1000,"minutes":4,"spend_micros":[12,0,0,1],"bids":[3,0,0,1],"wins":[1,0,0,0],"clicks":[1,0,0,0]})");
    EXPECT_EQ(s.json(1003, 2),
              R"({"start_minute":1002,"minutes":2,"spend_micros":[0,1],"bids":[0,1],"wins":[0,0],"clicks":[0,0]})");
}

TEST(LineItemSeries, KeepsExactlyTheLast24Hours) {
    FedSeries s;
    std::int64_t last = 0;
    for (std::int64_t m = 0; m < 2 * kSeriesMinutes; m += 7) s.add(last = m, {1, 0, 0, 0});
    auto f = s.frame(last);
    EXPECT_EQ(f->at(0, last).spend_micros, 1);
    EXPECT_EQ(f->at(0, last - 7).spend_micros, 1);
    EXPECT_EQ(f->at(0, last - 1).spend_micros, 0);
    EXPECT_EQ(f->at(0, last - kSeriesMinutes).spend_micros, 0) << "24 h ago has left the window";
    // A jump of more than a day leaves nothing of the old minutes.
    const std::int64_t later = last + 3 * kSeriesMinutes;
    s.add(later, {2, 0, 0, 0});
    f = s.frame(later);
    EXPECT_EQ(f->at(0, later).spend_micros, 2);
    std::int64_t spend = 0;
    for (std::int64_t m = later - kSeriesMinutes + 1; m <= later; ++m) spend += f->at(0, m).spend_micros;
    EXPECT_EQ(spend, 2);
}

TEST(LineItemSeries, ClockSteppingBackKeepsTheCountsInTheNewestMinute) {
    FedSeries s;
    s.add(50, {1, 0, 0, 0});
    s.add(49, {2, 0, 0, 0});
    EXPECT_EQ(s.frame(50)->at(0, 50).spend_micros, 3);
}

TEST(LineItemSeries, APublishedFrameStaysAsItWasWhileRecordingGoesOn) {
    FedSeries s;
    s.add(100, {4, 1, 0, 0});
    s.add(101, {5, 1, 0, 0});
    const auto frozen = s.frame(101);
    for (std::int64_t m = 102; m < 102 + 2 * kSeriesMinutes; m += 13) s.add(m, {1, 1, 1, 1});
    EXPECT_EQ(frozen->now_minute(), 101);
    EXPECT_EQ(frozen->at(0, 100).spend_micros, 4);
    EXPECT_EQ(frozen->at(0, 101).spend_micros, 5);
    EXPECT_EQ(frozen->at(0, 102).spend_micros, 0);
}

// A column holds only active line items; its lookup, which narrows the
// search by how many indices are missing, agrees with a plain scan.
TEST(MinuteColumn, FindsEveryLineItemAmongTheActiveOnes) {
    for (const std::vector<std::uint32_t>& active :
         {std::vector<std::uint32_t>{}, {0}, {3}, {0, 1, 2, 3}, {0, 1, 2, 5, 9, 10}, {7, 8, 9}, {1, 40, 41, 42, 99}}) {
        MinuteColumn c;
        for (std::uint32_t i : active) c.entries.push_back({10 * std::int64_t{i} + 1, i, i, 0, 0});
        for (std::uint32_t i = 0; i < 110; ++i) {
            const bool present = std::find(active.begin(), active.end(), i) != active.end();
            EXPECT_EQ(c.at(i).spend_micros, present ? 10 * std::int64_t{i} + 1 : 0) << "index " << i;
            EXPECT_EQ(c.at(i).bids, present ? i : 0u) << "index " << i;
        }
    }
}

TEST(LineItemSeries, TurnsCumulativeLedgerFiguresIntoPerMinuteIncrements) {
    LineItemSeries s;
    const std::int64_t t0 = 600 * 60'000'000LL;  // minute 600
    s.observe(0, t0, {100, 10, 2, 0});
    s.observe(0, t0 + 30'000'000, {150, 12, 3, 1});
    s.observe(0, t0 + 61'000'000, {190, 13, 3, 1});
    s.publish(t0 + 61'000'000);
    const auto frame = s.published();
    EXPECT_EQ(frame->now_minute(), 601);
    EXPECT_EQ(frame->first_minute(0), 600);
    EXPECT_EQ(frame->at(0, 600).spend_micros, 150);
    EXPECT_EQ(frame->at(0, 600).bids, 12u);
    EXPECT_EQ(frame->at(0, 601).spend_micros, 40);
    EXPECT_EQ(frame->at(0, 601).clicks, 0u);
}

// End to end through the control loop: a win's price shows up in the
// minute of the tick that applied it, in /v1/stats and the published frame.
TEST(LineItemSeries, ControlLoopPutsSpendInTheStatsSeries) {
    test::LineItemSpec spec;
    spec.id = "li-a";
    spec.cpm = "2.0";
    test::TestEngine e(test::make_config({spec}, {test::CampaignSpec{}}));
    e.control.tick();
    const std::string request = test::request_json(test::kBannerImp, test::kSite);
    BidAnswer a = e.bid(request);
    ASSERT_EQ(a.status, 200);
    simdjson::dom::parser parser;
    std::string_view id = parser.parse(simdjson::padded_string(a.body))["seatbid"].at(0)["bid"].at(0)["id"];
    std::uint64_t key = 0;
    std::from_chars(id.data(), id.data() + id.size(), key, 16);
    e.clock.advance(2min);
    ASSERT_TRUE(e.shard.events.try_push({ShardEventKind::win, 0, e.shard.id, e.index_of("li-a"), key, 1800,
                                         e.clock.now().time_since_epoch().count()}));
    e.control.tick();

    const auto stats = e.state.stats_json.load();
    simdjson::dom::parser p2;
    simdjson::dom::element li = p2.parse(simdjson::padded_string(*stats))["line_items"].at(0);
    simdjson::dom::element series = li["series"];
    EXPECT_EQ(std::int64_t(series["minutes"]), 3) << *stats;  // noon, noon+1, noon+2
    simdjson::dom::array spend = series["spend_micros"];
    simdjson::dom::array bids = series["bids"];
    EXPECT_EQ(std::int64_t(spend.at(0)), 0);
    EXPECT_EQ(std::int64_t(spend.at(2)), 1800);
    EXPECT_EQ(std::int64_t(bids.at(0)), 0);
    EXPECT_EQ(std::int64_t(bids.at(2)), 1) << "events count in the minute of the tick that drained them";
    const std::int64_t noon_minute = test::test_noon().time_since_epoch().count() / 60'000'000;
    EXPECT_EQ(std::int64_t(series["start_minute"]), noon_minute);
    EXPECT_EQ(e.control.series().published()->at(e.index_of("li-a"), noon_minute + 2).spend_micros, 1800);
}

TEST(RateLimit, AllowsABurstPerIntervalAndCountsWhatItSuppressed) {
    RateLimit limit{2, std::chrono::seconds(10)};
    Timestamp t = test::test_noon();
    std::uint64_t suppressed = 99;
    EXPECT_TRUE(limit.allow(t, suppressed));
    EXPECT_EQ(suppressed, 0u);
    EXPECT_TRUE(limit.allow(t + 1s, suppressed));
    EXPECT_FALSE(limit.allow(t + 2s, suppressed));
    EXPECT_FALSE(limit.allow(t + 3s, suppressed));
    EXPECT_FALSE(limit.allow(t + 9s, suppressed));
    EXPECT_TRUE(limit.allow(t + 10s, suppressed));
    EXPECT_EQ(suppressed, 3u) << "the first line of the next interval reports the suppressed ones";
    EXPECT_EQ(limit.suppressed_total(), 3u);
    BIDLINE_WARN_RATE_LIMITED(limit, t + 11s, "test warning {}", 1);  // compiles with arguments
    BIDLINE_WARN_RATE_LIMITED(limit, t + 11s, "test warning without arguments");
    EXPECT_EQ(limit.suppressed_total(), 4u);
}

}  // namespace
}  // namespace bidline
