// Late events land in the day of their own time: a win or conversion that
// arrives today for yesterday goes to yesterday's bucket of the optimizer's
// daily series, not to the day of the tick that drained it.
#include <gtest/gtest.h>

#include <chrono>

#include "bidline/engine/control_loop.h"
#include "bidline/engine/feed_bridge.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;

TEST(DailySeriesLateEvents, WinsAndConversionsCountOnTheirOwnUtcDay) {
    test::LineItemSpec spec;
    spec.id = "li-a";
    spec.cpm = "2.0";
    test::TestEngine e(test::make_config({spec}, {test::CampaignSpec{}}));
    e.control.tick();  // the baseline
    const std::uint32_t li = e.index_of("li-a");
    const std::int64_t now = e.clock.now().time_since_epoch().count();
    const std::int64_t yesterday_us = now - std::int64_t{26} * 3'600'000'000;
    ASSERT_TRUE(
        e.shard.events.try_push({ShardEventKind::win, 0, e.shard.id, li, make_bid_key(0, 7), 1'800, yesterday_us}));
    ASSERT_TRUE(e.shard.events.try_push({ShardEventKind::win, 0, e.shard.id, li, make_bid_key(0, 8), 1'200, now}));
    ASSERT_TRUE(e.shard.events.try_push(
        {ShardEventKind::conversion, 0, e.shard.id, li, event_id_key("conv-1") | (1ull << 63), 5'000'000, yesterday_us}));
    e.clock.advance(2s);  // the series publishes at most once a second
    e.control.tick();

    const auto series = e.state.daily_series.snapshot();
    ASSERT_EQ(series->campaigns.size(), 1u);
    const auto& days = series->campaigns.begin()->second;
    const CampaignDay late = days.at(utc_day(yesterday_us));
    const CampaignDay today = days.at(utc_day(now));
    EXPECT_EQ(late.spend_micros, 1'800);
    EXPECT_EQ(late.conversions, 1u);
    EXPECT_EQ(late.value_micros, 5'000'000);
    EXPECT_EQ(today.spend_micros, 1'200);
    EXPECT_EQ(today.conversions, 0u);
    EXPECT_EQ(today.value_micros, 0);
}

}  // namespace
}  // namespace bidline
