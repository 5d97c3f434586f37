// Pacing in the control loop, on a ManualClock with direct ticks: leases
// follow the plan, campaigns roll their day at local midnight, dayparts,
// pauses and manual overrides reach the bid path and /v1/stats.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <memory>
#include <string>

#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;
using test::CampaignSpec;
using test::LineItemSpec;
using test::TestEngine;

const std::string kBannerRequest = test::request_json(test::kBannerImp, test::kSite);

// Bids flat out, every bid winning at its price, `rounds` ticks.
void spend_flat_out(TestEngine& e, std::string_view li, int rounds) {
    for (int r = 0; r < rounds; ++r) {
        for (int k = 0; k < 10'000; ++k) {
            const BidAnswer a = e.bids.handle(kBannerRequest, e.clock.now(), nullptr, ResponseMode::decide_only);
            if (a.status != 200) break;
            for (const PlacedBid& b : e.bids.last_bids())
                ASSERT_TRUE(e.shard.events.try_push({ShardEventKind::win, 0, e.shard.id, e.index_of(li), b.bid_key,
                                                     b.charge.value(), e.clock.now().time_since_epoch().count()}));
        }
        e.control.tick();
    }
}

simdjson::dom::element stats_of(TestEngine& e, simdjson::dom::parser& p, std::string_view section) {
    static std::shared_ptr<const std::string> keep;
    keep = e.state.stats_json.load();
    return p.parse(simdjson::padded_string(*keep))[section].at(0);
}

TEST(PacingControlLoop, EvenPacingLeasesNoMoreThanThePlanToDatePlusSlack) {
    // 10.00 a day, even: by noon the plan is 5.00; bidding flat out stops at 5.00 + 1 %.
    TestEngine e(test::make_config({{.id = "mrec", .cpm = "2.5"}},
                                   {{.daily_budget = "10", .pacing = "even"}}));
    e.control.tick();
    spend_flat_out(e, "mrec", 20);
    EXPECT_EQ(e.control.planned_spend(e.index_of("mrec")), 5'000'000);
    EXPECT_LE(e.ledger("mrec").spend_today, 5'100'000);
    EXPECT_GE(e.ledger("mrec").spend_today, 5'000'000);
    // An hour later the plan has moved on by 1/24 of the budget, and so may spend.
    e.clock.advance(1h);
    e.control.tick();
    spend_flat_out(e, "mrec", 20);
    e.clock.advance(1s);
    e.control.tick();  // one tick with time passing: the controller sees the burst
    EXPECT_LE(e.ledger("mrec").spend_today, 5'100'000 + 416'667);
    EXPECT_GE(e.ledger("mrec").spend_today, 5'416'666);

    simdjson::dom::parser p;
    const auto li = stats_of(e, p, "line_items");
    EXPECT_EQ(std::string_view(li["pacing"]), "even");
    EXPECT_EQ(std::string_view(li["controller"]), "throttle") << "manual bids are throttled by default";
    EXPECT_EQ(std::int64_t(li["planned_spend_micros"]), 5'416'782);  // 13:00:01
    EXPECT_LT(double(li["pass_probability"]), 1.0) << "the throttle closes when spend runs at the plan's cap";
    EXPECT_EQ(bool(li["paused"]), false);
    const auto camp = stats_of(e, p, "campaigns");
    EXPECT_EQ(std::int64_t(camp["planned_spend_micros"]), 5'416'782);
}

TEST(PacingControlLoop, CampaignDaysRollAtLocalMidnight) {
    // 18:30 UTC is midnight in Kolkata (+5:30): its spend resets, the UTC campaign's does not.
    TestEngine e(test::make_config(
        {{.id = "in", .cpm = "2.5", .campaign = "kolkata"}, {.id = "utc", .cpm = "2.5", .campaign = "london"}},
        {{.id = "kolkata", .daily_budget = "0.01", .extra = "timezone = \"Asia/Kolkata\""},
         {.id = "london", .daily_budget = "0.01"}}));
    e.control.tick();
    for (std::string_view li : {"in", "utc"}) {
        e.shard.events.try_push({ShardEventKind::win, 0, 0, e.index_of(li), make_bid_key(0, 900 + li.size()), 5'000,
                                 e.clock.now().time_since_epoch().count()});
    }
    e.control.tick();
    ASSERT_EQ(e.ledger("in").spend_today, 5'000);
    e.clock.advance(6h + 29min);  // 18:29 UTC = 23:59 in Kolkata
    e.control.tick();
    EXPECT_EQ(e.ledger("in").spend_today, 5'000);
    e.clock.advance(2min);
    e.control.tick();
    EXPECT_EQ(e.ledger("in").spend_today, 0) << "Kolkata's new day";
    EXPECT_EQ(e.ledger("utc").spend_today, 5'000);
    EXPECT_EQ(e.ledger("in").spend_total, 5'000);
}

TEST(PacingControlLoop, OffHoursOfTheDaypartAndPausedCampaignsDoNotBid) {
    // test_noon() is Tuesday 2026-03-10 12:00 UTC.
    TestEngine e(test::make_config(
        {{.id = "night", .cpm = "2.5", .campaign = "night"}, {.id = "stopped", .cpm = "3", .campaign = "stopped"}},
        {{.id = "night", .extra = "[campaign.daypart]\ntue = \"00-06,20-24\"\n"},
         {.id = "stopped", .extra = "paused = true"}}));
    e.control.tick();
    const ControlState& cs = *e.state.control.load();
    EXPECT_FALSE(cs.live.test(e.index_of("night")));
    EXPECT_FALSE(cs.live.test(e.index_of("stopped")));
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);
    EXPECT_EQ(e.control.ledger(e.index_of("stopped")).granted_total, 0) << "no lease for a paused campaign";
    e.clock.advance(8h);  // 20:00
    e.control.tick();
    EXPECT_TRUE(e.state.control.load()->live.test(e.index_of("night")));
    EXPECT_EQ(e.bid(kBannerRequest).status, 200);
}

TEST(PacingControlLoop, DaypartMultipliersAndManualOverridesScaleTheBid) {
    TestEngine e(test::make_config(
        {{.id = "a", .cpm = "2.0", .campaign = "boosted"}},
        {{.id = "boosted",
          .extra = "bid_multiplier_override = 0.5\n[campaign.daypart]\nmultipliers = [\"tue 12-13 1.5\"]\n"}}));
    e.control.tick();
    EXPECT_FLOAT_EQ(e.state.control.load()->multiplier_of(e.index_of("a")), 0.75f);
    ASSERT_EQ(e.bids.handle(kBannerRequest, e.clock.now(), nullptr, ResponseMode::decide_only).status, 200);
    EXPECT_EQ(e.bids.last_bids()[0].price, Micros::from_units(1.5));
    e.clock.advance(1h);
    e.control.tick();
    ASSERT_EQ(e.bids.handle(kBannerRequest, e.clock.now(), nullptr, ResponseMode::decide_only).status, 200);
    EXPECT_EQ(e.bids.last_bids()[0].price, Micros::from_units(1.0));
}

TEST(PacingControlLoop, ThrottledRequestsAreCountedAndReproducible) {
    // Two engines fed the same requests throttle the same ones: the shard's RNG is seeded.
    auto run = [] {
        TestEngine e(test::make_config({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "10", .pacing = "even"}}));
        e.control.tick();
        for (int r = 0; r < 40; ++r) {
            spend_flat_out(e, "mrec", 1);
            e.clock.advance(5s);
        }
        std::string pattern;
        for (int k = 0; k < 64; ++k) pattern += e.bid(kBannerRequest).status == 200 ? '1' : '0';
        return std::pair{pattern, e.no_bids(NoBidReason::throttled)};
    };
    const auto [a, throttled_a] = run();
    const auto [b, throttled_b] = run();
    EXPECT_EQ(a, b);
    EXPECT_EQ(throttled_a, throttled_b);
    EXPECT_GT(throttled_a, 0u);
}

}  // namespace
}  // namespace bidline
