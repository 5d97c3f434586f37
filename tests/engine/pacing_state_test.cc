// Pacing across restarts (pacing_state.h): the state file round-trips
// exactly, a restarted control loop resumes its controllers' knobs and the
// learned traffic profile, a damaged file is set aside, and spend that a
// start recovers from the event log (or a catalog swap carries) is not read
// as a burst that would throttle the line item.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "bidline/engine/durable_file.h"
#include "bidline/engine/pacing_state.h"
#include "engine_test_config.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;

const std::string kStateBannerRequest = test::request_json(test::kBannerImp, test::kSite);

TEST(PacingStateFile, RoundTripsEveryFieldExactly) {
    PacingState s;
    s.saved_us = 1'773'144'000'000'000;
    for (int h = 0; h < 168; ++h) {
        s.traffic_requests[h] = h / 3.0;
        s.traffic_seconds[h] = 3600.0 - h;
    }
    s.line_items["li-1"] = SavedController{"pid", {-12.345678901234567, 0.1, 1.0}, 0.8123456789, 1.0};
    s.line_items["li-2"] = SavedController{"throttle", {0.3333333333333333}, 1.0, 0.3333333333333333};
    SavedManagedCampaign m;
    m.controller = SavedController{"dual", {0.25}, 0.8, 1.0};
    m.bid_field = AdjustmentField::target_roas;
    m.bid = SavedGate{true, 4'200'000, 17};
    s.managed["search"] = m;
    Adjustment a;
    a.seq = 99;
    a.time_us = 98;
    a.campaign = "search";
    a.platform = AdPlatform::meta;
    a.platform_campaign_id = "act_1";
    a.kind = AdjustmentKind::bid;
    a.field = AdjustmentField::target_roas;
    a.value_micros = 4'200'000;
    a.previous_micros = 4'000'000;
    a.reason = AdjustmentReason::safety_clamp;
    a.multiplier = 1.25;
    s.adjustments.adjustments.push_back(a);
    s.adjustments.evicted_through = 42;

    const PacingState r = parse_pacing_state(to_json(s));
    EXPECT_EQ(r.saved_us, s.saved_us);
    EXPECT_EQ(r.traffic_requests, s.traffic_requests);
    EXPECT_EQ(r.traffic_seconds, s.traffic_seconds);
    ASSERT_EQ(r.line_items.size(), 2u);
    EXPECT_EQ(r.line_items.at("li-1").name, "pid");
    EXPECT_EQ(r.line_items.at("li-1").state, s.line_items["li-1"].state);
    EXPECT_EQ(r.line_items.at("li-1").multiplier, 0.8123456789);
    EXPECT_EQ(r.line_items.at("li-2").pass, 0.3333333333333333);
    const SavedManagedCampaign& rm = r.managed.at("search");
    EXPECT_EQ(rm.controller.name, "dual");
    EXPECT_EQ(rm.bid_field, AdjustmentField::target_roas);
    EXPECT_TRUE(rm.bid.sent);
    EXPECT_EQ(rm.bid.value, 4'200'000);
    EXPECT_EQ(rm.bid.time_us, 17);
    EXPECT_FALSE(rm.budget.sent);
    ASSERT_EQ(r.adjustments.adjustments.size(), 1u);
    EXPECT_EQ(r.adjustments.evicted_through, 42u);
    const Adjustment& ra = r.adjustments.adjustments[0];
    EXPECT_EQ(ra.seq, 99u);
    EXPECT_EQ(ra.platform, AdPlatform::meta);
    EXPECT_EQ(ra.field, AdjustmentField::target_roas);
    EXPECT_EQ(ra.previous_micros, 4'000'000);
    EXPECT_EQ(ra.reason, AdjustmentReason::safety_clamp);
    EXPECT_EQ(ra.multiplier, 1.25);
}

TEST(PacingStateFile, ADamagedFileOrAnotherVersionIsRefusedSayingWhy) {
    PacingState s;
    const std::string good = to_json(s);
    EXPECT_THROW(parse_pacing_state(good.substr(0, good.size() / 2)), std::runtime_error);
    std::string other = good;
    other.replace(other.find("\"version\":1"), 11, "\"version\":7");
    try {
        parse_pacing_state(other);
        FAIL() << "another version was read";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("another version"), std::string::npos) << e.what();
    }
    std::string short_traffic = good;
    short_traffic.replace(short_traffic.find("\"requests\":[0,"), 14, "\"requests\":[");
    EXPECT_THROW(parse_pacing_state(short_traffic), std::runtime_error) << "167 hours";
}

// 10.00 a day, even pacing, one manual line item (throttled): bidding flat
// out at noon runs ahead of the plan, so the throttle closes.
Config even_config() {
    return test::make_config({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "10", .pacing = "even"}});
}

void bid_flat_out(test::TestEngine& e, int ticks) {
    for (int t = 0; t < ticks; ++t) {
        for (int k = 0; k < 200; ++k) {
            const BidAnswer a = e.bids.handle(kStateBannerRequest, e.clock.now(), nullptr, ResponseMode::decide_only);
            if (a.status != 200) continue;
            for (const PlacedBid& b : e.bids.last_bids())
                ASSERT_TRUE(e.shard.events.try_push({ShardEventKind::win, 0, e.shard.id, e.index_of("mrec"), b.bid_key,
                                                     b.charge.value(), e.clock.now().time_since_epoch().count()}));
        }
        e.clock.advance(1s);
        e.control.tick();
    }
}

TEST(PacingStateControlLoop, ARestartResumesTheThrottleAndTheLearnedTrafficProfile) {
    test::ScratchDir dir("pacing-state");
    test::TestEngine before(even_config());
    before.control.set_pacing_state_dir(dir.path());
    before.control.tick();
    bid_flat_out(before, 40);
    const double pass = before.control.pass_probability(before.index_of("mrec"));
    ASSERT_LT(pass, 0.5) << "flat out at noon runs far ahead of an even plan";
    before.clock.advance(61s);
    before.control.tick();  // the minute's save
    const auto requests = before.control.traffic_profile().requests();
    const auto seconds = before.control.traffic_profile().seconds();
    double seen = 0;
    for (double r : requests) seen += r;
    ASSERT_GT(seen, 0) << "the requests were observed";
    ASSERT_TRUE(std::filesystem::exists(dir.path() / "state.json"));

    test::TestEngine after(even_config(), before.clock.now());
    after.control.set_pacing_state_dir(dir.path());
    EXPECT_EQ(after.control.traffic_profile().requests(), requests);
    EXPECT_EQ(after.control.traffic_profile().seconds(), seconds);
    after.control.tick();
    EXPECT_EQ(after.control.pass_probability(after.index_of("mrec")),
              before.control.pass_probability(before.index_of("mrec")))
        << "the restarted throttle passes what the old one did, not everything";
    EXPECT_EQ(after.control.pacing_controller_name(after.index_of("mrec")), "throttle");

    // Without the saved state the same engine would open the throttle wide.
    test::TestEngine fresh(even_config(), before.clock.now());
    fresh.control.tick();
    EXPECT_EQ(fresh.control.pass_probability(fresh.index_of("mrec")), 1.0);
}

TEST(PacingStateControlLoop, ADamagedStateFileIsSetAsideAndPacingStartsAfresh) {
    test::ScratchDir dir("pacing-state");
    write_file_durably(dir.path() / "state.json", "{\"version\":1,\"saved_us\":");
    test::TestEngine e(even_config());
    e.control.set_pacing_state_dir(dir.path());
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "state.json.damaged"));
    e.control.tick();
    EXPECT_EQ(e.control.pass_probability(e.index_of("mrec")), 1.0);
    const PacingState saved = parse_pacing_state(read_whole_file(dir.path() / "state.json"));
    EXPECT_EQ(saved.line_items.at("mrec").name, "throttle") << "a good state is written again";
}

// The spend of the day so far arrives all at once at a start (recovered from
// the event log) or sits in the ledger across a catalog swap: neither is a
// burst of spending, and pacing must not throttle the line item for it.
TEST(PacingControlLoop, SpendRecoveredAtStartIsNotReadAsABurst) {
    test::TestEngine e(even_config());
    // 4.00 spent this morning (the plan by noon is 5.00): under plan.
    for (int k = 0; k < 400; ++k)
        e.control.recover({ShardEventKind::win, 0, 0, e.index_of("mrec"), make_bid_key(0, 1'000 + k), 10'000,
                           e.clock.now().time_since_epoch().count() - 3'600'000'000});
    ASSERT_EQ(e.ledger("mrec").spend_today, 4'000'000);
    e.control.tick();
    for (int t = 0; t < 60; ++t) {
        e.clock.advance(1s);
        e.control.tick();
    }
    EXPECT_EQ(e.control.pass_probability(e.index_of("mrec")), 1.0) << "nothing was spent since the start";
}

TEST(PacingControlLoop, ACatalogSwapKeepsTheCampaignSpendRate) {
    test::TestEngine e(even_config());
    for (int k = 0; k < 400; ++k)
        e.control.recover({ShardEventKind::win, 0, 0, e.index_of("mrec"), make_bid_key(0, 1'000 + k), 10'000,
                           e.clock.now().time_since_epoch().count() - 3'600'000'000});
    e.control.tick();
    e.clock.advance(1s);
    e.control.tick();
    // An optimizer run or a reload publishes a new catalog with the same campaign.
    e.state.catalog.publish(Catalog::build(even_config().campaigns, e.state.catalog.load().get()));
    for (int t = 0; t < 60; ++t) {
        e.clock.advance(1s);
        e.control.tick();
    }
    EXPECT_EQ(e.control.pass_probability(e.index_of("mrec")), 1.0) << "the morning's spend is not this second's";
}

}  // namespace
}  // namespace bidline
