// Budget safety end to end on one shard: the control loop grants leases,
// the bid path bids flat out against them, and win notices come back
// through the shard's event ring exactly as the router pushes them. Time
// only moves when a test advances the ManualClock, and ticks are direct
// calls, so every figure here is exact.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;
using test::CampaignSpec;
using test::LineItemSpec;
using test::make_config;
using test::request_json;
using test::TestEngine;

const std::string kBannerRequest = request_json(test::kBannerImp, test::kSite);

// The bid ids (16 hex digits) of a 200 answer, as bid keys.
std::vector<std::uint64_t> bid_keys(const BidAnswer& a) {
    std::vector<std::uint64_t> keys;
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(a.body);
    for (simdjson::dom::element seatbid : simdjson::dom::array(parser.parse(padded)["seatbid"]))
        for (simdjson::dom::element bid : simdjson::dom::array(seatbid["bid"])) {
            const std::string_view id = bid["id"];
            std::uint64_t key = 0;
            EXPECT_EQ(id.size(), 16u);
            EXPECT_EQ(std::from_chars(id.data(), id.data() + id.size(), key, 16).ptr, id.data() + id.size()) << id;
            keys.push_back(key);
        }
    return keys;
}

class ControlLoopTest : public ::testing::Test {
protected:
    TestEngine& start(const std::vector<LineItemSpec>& line_items, const std::vector<CampaignSpec>& campaigns = {{}}) {
        engine_ = std::make_unique<TestEngine>(make_config(line_items, campaigns));
        engine_->control.tick();
        return *engine_;
    }

    // A win notice as the router turns it into an event: price is the CPM.
    void win(std::string_view line_item, std::uint64_t bid_key, double price_cpm,
             ShardEventKind kind = ShardEventKind::win) {
        TestEngine& e = *engine_;
        const ShardEvent ev{kind,
                            0,
                            e.shard.id,
                            e.index_of(line_item),
                            bid_key,
                            Micros::per_impression_from_cpm(price_cpm).value(),
                            e.clock.now().time_since_epoch().count()};
        ASSERT_TRUE(e.shard.events.try_push(ev));
    }

    // Bids until the shard answers something other than 200 (or `limit`
    // answers); returns the bid keys of the bids made.
    std::vector<std::uint64_t> bid_flat_out(const std::string& request, int limit = 1000) {
        std::vector<std::uint64_t> keys;
        for (int k = 0; k < limit; ++k) {
            last_ = engine_->bid(request);
            if (last_.status != 200) break;
            for (std::uint64_t key : bid_keys(last_)) keys.push_back(key);
        }
        return keys;
    }

    std::int64_t granted(std::string_view li) {
        return engine_->shard.line_items[engine_->index_of(li)].granted_micros.load();
    }
    std::int64_t charged(std::string_view li) {
        return engine_->shard.line_items[engine_->index_of(li)].charged_micros.load();
    }

    std::unique_ptr<TestEngine> engine_;
    BidAnswer last_;
};

TEST_F(ControlLoopTest, SpendAndCommitmentStayWithinTheDailyBudgetUntilItIsExhausted) {
    // 0.05 a day at a 2.50 CPM: exactly 20 impressions.
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0.05"}});
    constexpr std::int64_t kBudget = 50'000;
    int wins = 0;
    for (int round = 0; round < 50; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) {
            win("mrec", key, 2.5);
            ++wins;
        }
        e.control.tick();
        const LineItemLedger& l = e.ledger("mrec");
        ASSERT_LE(l.spend_today, kBudget) << "round " << round;
        ASSERT_LE(l.committed(), kBudget) << "round " << round;
        ASSERT_LE(charged("mrec"), granted("mrec"));
    }
    EXPECT_EQ(wins, 20);
    EXPECT_EQ(e.ledger("mrec").spend_today, kBudget) << "the budget should be delivered in full";
    EXPECT_EQ(e.ledger("mrec").wins, 20u);
    EXPECT_EQ(e.ledger("mrec").bids, 20u);

    // Exhausted: the bid path says so.
    const std::uint64_t before = e.no_bids(NoBidReason::budget);
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);
    EXPECT_EQ(e.no_bids(NoBidReason::budget), before + 1);
}

TEST_F(ControlLoopTest, LineItemsShareTheirCampaignBudget) {
    TestEngine& e = start({{.id = "a", .cpm = "2.0"}, {.id = "b", .cpm = "2.0", .creatives = {test::banner(728, 90)}}},
                          {{.daily_budget = "0.05"}});
    const std::string leader = request_json(R"({"id":"1","banner":{"w":728,"h":90}})", test::kSite);
    for (int round = 0; round < 50; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) win("a", key, 2.0);
        for (std::uint64_t key : bid_flat_out(leader)) win("b", key, 2.0);
        e.control.tick();
        ASSERT_LE(e.ledger("a").spend_today + e.ledger("b").spend_today, 50'000) << "round " << round;
        ASSERT_LE(e.ledger("a").committed() + e.ledger("b").committed(), 50'000) << "round " << round;
    }
    EXPECT_EQ(e.ledger("a").spend_today + e.ledger("b").spend_today, 50'000);
}

TEST_F(ControlLoopTest, LineItemDailyBudgetCapsItWithinALargerCampaignBudget) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5", .extra = "daily_budget = 0.02"}}, {{.daily_budget = "100.0"}});
    for (int round = 0; round < 50; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) win("mrec", key, 2.5);
        e.control.tick();
        ASSERT_LE(e.ledger("mrec").spend_today, 20'000) << "round " << round;
    }
    EXPECT_EQ(e.ledger("mrec").spend_today, 20'000);
}

TEST_F(ControlLoopTest, MultiImpRequestsNeverChargeMoreThanTheLease) {
    // The first lease is 10,000 micros; each impression costs 6,000. Two
    // imps of one request must not both be charged against it.
    TestEngine& e = start({{.id = "mrec", .cpm = "6.0"}}, {{.daily_budget = "0.01"}});
    const std::string two_imps =
        request_json(R"({"id":"1","banner":{"w":300,"h":250}},{"id":"2","banner":{"w":300,"h":250}})", test::kSite);
    for (int round = 0; round < 10; ++round) {
        for (std::uint64_t key : bid_flat_out(two_imps)) win("mrec", key, 6.0);
        ASSERT_LE(charged("mrec"), granted("mrec")) << "round " << round;
        e.control.tick();
        ASSERT_LE(e.ledger("mrec").spend_today, 10'000) << "round " << round;
    }
    EXPECT_EQ(e.ledger("mrec").spend_today, 6'000);
}

TEST_F(ControlLoopTest, ExpiredBidsReleaseTheirChargeSoBiddingResumes) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0.01"}});
    EXPECT_EQ(bid_flat_out(kBannerRequest).size(), 4u);  // 4 x 2,500 = the whole budget, no wins yet
    EXPECT_EQ(e.ledger("mrec").committed(), 10'000);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").committed(), 10'000) << "bids in flight still hold the budget";
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);

    e.clock.advance(e.control.bid_expiry - 1s);
    e.control.tick();
    EXPECT_EQ(e.bid(kBannerRequest).status, 204) << "bids released before they expired";

    e.clock.advance(2s);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").spend_today, 0);
    EXPECT_EQ(granted("mrec"), 20'000) << "the released 10,000 should have been leased again";
    EXPECT_EQ(e.ledger("mrec").committed(), 10'000) << "only the new lease is committed";
    EXPECT_EQ(bid_flat_out(kBannerRequest).size(), 4u) << "bidding did not resume after the bids expired";
}

TEST_F(ControlLoopTest, LossNoticeReleasesTheCharge) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0.01"}});
    const std::vector<std::uint64_t> keys = bid_flat_out(kBannerRequest);
    ASSERT_EQ(keys.size(), 4u);
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);
    for (std::uint64_t key : keys) win("mrec", key, 0, ShardEventKind::loss);
    e.control.tick();
    EXPECT_EQ(granted("mrec"), 20'000) << "lost bids should free their charge for a new lease";
    EXPECT_EQ(e.ledger("mrec").committed(), 10'000);
    EXPECT_EQ(e.ledger("mrec").wins, 0u);
    EXPECT_EQ(e.ledger("mrec").spend_today, 0);
    EXPECT_EQ(e.bid(kBannerRequest).status, 200);
}

TEST_F(ControlLoopTest, DuplicateWinNoticesCountOnce) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}});
    const std::vector<std::uint64_t> keys = bid_flat_out(kBannerRequest, 1);
    ASSERT_EQ(keys.size(), 1u);
    win("mrec", keys[0], 2.0);
    win("mrec", keys[0], 2.0);
    e.control.tick();
    win("mrec", keys[0], 2.0);  // a retry after the first was applied
    win("mrec", keys[0], 2.0, ShardEventKind::billing);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").wins, 1u);
    EXPECT_EQ(e.ledger("mrec").spend_today, 2'000);
    EXPECT_EQ(e.ledger("mrec").late_wins, 0u);
}

TEST_F(ControlLoopTest, WinForAnUnknownBidCountsSpendAndALateWin) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}});
    win("mrec", make_bid_key(0, 12345), 3.0);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").wins, 1u);
    EXPECT_EQ(e.ledger("mrec").late_wins, 1u);
    EXPECT_EQ(e.ledger("mrec").spend_today, 3'000);
    EXPECT_EQ(e.ledger("mrec").spend_total, 3'000);
}

TEST_F(ControlLoopTest, WinAfterItsBidExpiredIsALateWinAndStillSpends) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}});
    const std::vector<std::uint64_t> keys = bid_flat_out(kBannerRequest, 1);
    ASSERT_EQ(keys.size(), 1u);
    e.clock.advance(e.control.bid_expiry + 1s);
    e.control.tick();
    win("mrec", keys[0], 2.5);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").late_wins, 1u);
    EXPECT_EQ(e.ledger("mrec").spend_today, 2'500);
    EXPECT_EQ(e.ledger("mrec").committed(), e.ledger("mrec").spend_today + granted("mrec") - charged("mrec"))
        << "the expired charge was released twice or not at all";
}

TEST_F(ControlLoopTest, DayRolloverResetsSpendTodayAndReopensTheBudget) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0.01"}});
    for (int round = 0; round < 5; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) win("mrec", key, 2.5);
        e.control.tick();
    }
    ASSERT_EQ(e.ledger("mrec").spend_today, 10'000);
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);

    e.clock.advance(11h + 59min);  // 23:59 UTC: still today
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").spend_today, 10'000);
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);

    e.clock.advance(2min);  // 00:01 UTC the next day
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").spend_today, 0);
    EXPECT_EQ(e.ledger("mrec").spend_total, 10'000);
    EXPECT_EQ(e.bid(kBannerRequest).status, 200) << "the new day's budget did not open";
}

// A lifetime budget caps spend across days: the second day's budget opens,
// but only up to what the flight has left.
TEST_F(ControlLoopTest, LifetimeBudgetCapsSpendAcrossDays) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}},
                          {{.daily_budget = "0.01", .extra = "lifetime_budget = 0.015"}});
    for (int round = 0; round < 5; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) win("mrec", key, 2.5);
        e.control.tick();
    }
    ASSERT_EQ(e.ledger("mrec").spend_today, 10'000) << "day one stops at the daily budget";
    e.clock.advance(12h + 1min);  // the next day
    e.control.tick();
    for (int round = 0; round < 5; ++round) {
        for (std::uint64_t key : bid_flat_out(kBannerRequest)) win("mrec", key, 2.5);
        e.control.tick();
    }
    EXPECT_EQ(e.ledger("mrec").spend_today, 5'000) << "day two gets only what the flight has left";
    EXPECT_EQ(e.ledger("mrec").spend_total, 15'000);
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);
}

TEST_F(ControlLoopTest, CampaignsOutsideTheirFlightAreNotLive) {
    TestEngine& e = start({{.id = "ended", .cpm = "3.0", .campaign = "past"},
                           {.id = "future", .cpm = "2.0", .campaign = "later"},
                           {.id = "today", .cpm = "1.0", .campaign = "ends-today"}},
                          {{.id = "past", .start = "2024-01-01", .end = "2026-03-09"},
                           {.id = "later", .start = "2026-03-11", .end = "2030-12-31"},
                           {.id = "ends-today", .start = "2026-03-10", .end = "2026-03-10"}});
    const ControlState& live = *e.state.control.load();
    EXPECT_FALSE(live.live.test(e.index_of("ended")));
    EXPECT_FALSE(live.live.test(e.index_of("future")));
    EXPECT_TRUE(live.live.test(e.index_of("today")));
    EXPECT_NE(e.bid(kBannerRequest).body.find("cr-today-0"), std::string_view::npos);

    // The next day the last one has ended too and the future one has begun.
    e.clock.advance(13h);
    e.control.tick();
    EXPECT_NE(e.bid(kBannerRequest).body.find("cr-future-0"), std::string_view::npos);
    e.clock.advance(24h * 366 * 5);
    e.control.tick();
    EXPECT_EQ(e.bid(kBannerRequest).status, 204);
}

TEST_F(ControlLoopTest, CampaignWithoutADailyCapStillBids) {
    // config/README.md: campaign daily_budget "0 for no daily cap".
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0"}});
    EXPECT_EQ(e.bid(kBannerRequest).status, 200);
}

TEST_F(ControlLoopTest, StatsJsonReportsLineItemsAndShardCounters) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5", .extra = "daily_budget = 20.0"},
                           {.id = "leader", .cpm = "1.0", .creatives = {test::banner(728, 90)}}},
                          {{.daily_budget = "100.0"}});
    const std::vector<std::uint64_t> keys = bid_flat_out(kBannerRequest, 3);
    ASSERT_EQ(keys.size(), 3u);
    win("mrec", keys[0], 2.0);
    win("mrec", keys[1], 2.5);
    ASSERT_EQ(e.bid(request_json(R"({"id":"1","banner":{"w":1,"h":1}})", test::kSite)).status, 204);
    ASSERT_EQ(e.bid("not json").status, 400);
    e.control.tick();

    const std::shared_ptr<const std::string> stats = e.state.stats_json.load();
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(*stats);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(padded).get(root), simdjson::SUCCESS) << *stats;

    std::map<std::string, simdjson::dom::element> items;
    for (simdjson::dom::element li : simdjson::dom::array(root["line_items"]))
        items[std::string(std::string_view(li["id"]))] = li;
    ASSERT_EQ(items.size(), 2u) << *stats;
    const simdjson::dom::element mrec = items.at("mrec");
    EXPECT_EQ(std::uint64_t(mrec["bids"]), 3u);
    EXPECT_EQ(std::uint64_t(mrec["wins"]), 2u);
    EXPECT_EQ(std::int64_t(mrec["spend_micros"]), 4'500);
    EXPECT_EQ(std::int64_t(mrec["budget_micros"]), 20'000'000);  // its own daily budget
    const simdjson::dom::element leader = items.at("leader");
    EXPECT_EQ(std::uint64_t(leader["bids"]), 0u);
    EXPECT_EQ(std::int64_t(leader["spend_micros"]), 0);
    EXPECT_EQ(std::int64_t(leader["budget_micros"]), 100'000'000);  // the campaign's

    const simdjson::dom::array shards = root["shards"];
    ASSERT_EQ(shards.size(), 1u);
    const simdjson::dom::element s = shards.at(0);
    EXPECT_EQ(std::uint64_t(s["id"]), 0u);
    EXPECT_EQ(std::uint64_t(s["requests"]), 5u);
    EXPECT_EQ(std::uint64_t(s["bid_responses"]), 3u);
    EXPECT_EQ(std::uint64_t(s["no_bid_responses"]), 1u);
    EXPECT_EQ(std::uint64_t(s["bad_requests"]), 1u);
    EXPECT_EQ(std::uint64_t(s["bids"]), 3u);
    EXPECT_EQ(std::uint64_t(s["no_bid"]["no_eligible"]), 1u);
    EXPECT_EQ(std::uint64_t(s["no_bid"]["budget"]), 0u);
    EXPECT_EQ(std::uint64_t(root["totals"]["wins"]), 2u);
}

}  // namespace
}  // namespace bidline
