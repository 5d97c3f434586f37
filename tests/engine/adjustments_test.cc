// Bid and budget adjustments of platform-managed campaigns, on a ManualClock
// with direct ticks: the change-threshold rule (AdjustmentGate), the log's
// sequence numbers and paging, and the control loop turning platform-
// reported spend vs plan into bid increases and decreases while the
// campaign's line items stay out of the live set.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "bidline/engine/adjustment_log.h"
#include "engine_test_config.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kMinuteUs = 60'000'000;
constexpr std::int64_t kHourUs = 60 * kMinuteUs;

TEST(AdjustmentGate, FirstValueGoesOutThenOnlyMovesOfTheThreshold) {
    AdjustmentGate g;
    const std::int64_t t0 = test::test_noon().time_since_epoch().count();
    EXPECT_TRUE(g.should_send(20'000'000, t0, 0.05, 3600s));
    g.sent(20'000'000, t0);
    EXPECT_FALSE(g.should_send(20'000'000, t0 + 2 * kHourUs, 0.05, 3600s)) << "an unchanged value is never re-sent";
    EXPECT_FALSE(g.should_send(20'900'000, t0 + kMinuteUs, 0.05, 3600s)) << "+4.5 % waits";
    EXPECT_TRUE(g.should_send(21'000'000, t0 + kMinuteUs, 0.05, 3600s)) << "+5 % (one x1.05 step) goes out";
    EXPECT_TRUE(g.should_send(19'047'619, t0 + kMinuteUs, 0.05, 3600s)) << "/1.05 goes out";
    EXPECT_FALSE(g.should_send(19'100'000, t0 + kMinuteUs, 0.05, 3600s)) << "-4.5 % waits";
    // A small move goes out once the last send is an hour old, not before.
    EXPECT_FALSE(g.should_send(20'100'000, t0 + kHourUs - 1, 0.05, 3600s));
    EXPECT_TRUE(g.should_send(20'100'000, t0 + kHourUs, 0.05, 3600s));
    g.sent(20'100'000, t0 + kHourUs);
    EXPECT_EQ(g.last(), 20'100'000);
    EXPECT_FALSE(g.should_send(20'200'000, t0 + kHourUs + kMinuteUs, 0.05, 3600s));
    // Threshold 0 (budgets): every change goes out at once.
    EXPECT_TRUE(g.should_send(20'100'001, t0 + kHourUs, 0.0, 3600s));
}

Adjustment at(std::int64_t t_us, AdPlatform p, std::string campaign = "c") {
    Adjustment a;
    a.time_us = t_us;
    a.platform = p;
    a.campaign = std::move(campaign);
    return a;
}

TEST(AdjustmentLog, SequenceIsTimeBasedAndStrictlyIncreasing) {
    AdjustmentLog log;
    EXPECT_EQ(log.append(at(1'000'000, AdPlatform::meta)), 1'000'000u);
    EXPECT_EQ(log.append(at(1'000'000, AdPlatform::meta)), 1'000'001u) << "same microsecond: the next number";
    EXPECT_EQ(log.append(at(999'000, AdPlatform::meta)), 1'000'002u) << "a clock step back never moves seq back";
    EXPECT_EQ(log.append(at(5'000'000, AdPlatform::meta)), 5'000'000u);
    // A restarted process (a fresh log) numbers from its clock: past every earlier number.
    AdjustmentLog restarted;
    EXPECT_GT(restarted.append(at(6'000'000, AdPlatform::meta)), log.last_seq());
}

TEST(AdjustmentLog, SinceIsExclusivePagesByLimitAndFiltersByPlatform) {
    AdjustmentLog log;
    for (int i = 1; i <= 5; ++i) log.append(at(i * 10, i % 2 == 1 ? AdPlatform::google_ads : AdPlatform::meta));
    AdjustmentLog::Page p = log.since(0, AdPlatform::none, 2);
    ASSERT_EQ(p.adjustments.size(), 2u);
    EXPECT_EQ(p.adjustments[0].seq, 10u);
    EXPECT_EQ(p.next_since, 20u);
    p = log.since(p.next_since, AdPlatform::none, 10);
    ASSERT_EQ(p.adjustments.size(), 3u);
    EXPECT_EQ(p.adjustments[0].seq, 30u);
    EXPECT_EQ(p.next_since, 50u);
    p = log.since(p.next_since, AdPlatform::none, 10);
    EXPECT_TRUE(p.adjustments.empty());
    EXPECT_EQ(p.next_since, 50u) << "nothing new: since comes back";

    p = log.since(0, AdPlatform::meta, 10);
    ASSERT_EQ(p.adjustments.size(), 2u);
    EXPECT_EQ(p.adjustments[1].seq, 40u);
    EXPECT_EQ(p.next_since, 50u) << "skipped adjustments of other platforms are passed over";
    p = log.since(0, AdPlatform::google_ads, 1);
    EXPECT_EQ(p.next_since, 10u);
    EXPECT_FALSE(p.truncated);
}

TEST(AdjustmentLog, HeldAdjustmentsStayUnreadUntilReleased) {
    AdjustmentLog log;
    const std::uint64_t first = log.append(at(1'000'000, AdPlatform::meta));
    log.hold();
    const std::uint64_t held = log.append(at(2'000'000, AdPlatform::meta));
    AdjustmentLog::Page page = log.since(0, AdPlatform::none, 100);
    ASSERT_EQ(page.adjustments.size(), 1u);
    EXPECT_EQ(page.next_since, first) << "a poll never skips past a held adjustment";
    EXPECT_EQ(log.newest(10).adjustments.size(), 2u) << "the saved state names it";
    log.release();
    page = log.since(first, AdPlatform::none, 100);
    ASSERT_EQ(page.adjustments.size(), 1u);
    EXPECT_EQ(page.adjustments[0].seq, held);
}

TEST(AdjustmentLog, WindowIsBoundedAndSaysWhenAReaderFellBehind) {
    AdjustmentLog log(3);
    for (int i = 1; i <= 5; ++i) log.append(at(i, AdPlatform::tiktok));
    EXPECT_EQ(log.size(), 3u);
    AdjustmentLog::Page p = log.since(0, AdPlatform::none, 10);
    EXPECT_TRUE(p.truncated);
    ASSERT_EQ(p.adjustments.size(), 3u);
    EXPECT_EQ(p.adjustments[0].seq, 3u);
    EXPECT_FALSE(log.since(2, AdPlatform::none, 10).truncated);
}

// A Google Ads-managed campaign, $240 a day, even pacing (UTC): $10 an hour
// by plan. Its line item bids target CPA $20; a second, own campaign bids.
std::string managed_config(std::string_view strategy_lines, std::string_view campaign_extra = {}) {
    return std::string(R"([engine]
shards = 1
listen = "127.0.0.1:8080"

[[advertiser]]
id = "adv"
timezone = "UTC"
domains = ["adv.example"]

[[campaign]]
id = "search"
advertiser = "adv"
daily_budget = 240.0
start = 2024-01-01
end = 2030-12-31
pacing = "even"
managed_by = "google_ads"
platform_ids = { google_ads = "111" }
)") + std::string(campaign_extra) +
           R"(

[[campaign]]
id = "own"
advertiser = "adv"
daily_budget = 240.0
start = 2024-01-01
end = 2030-12-31
pacing = "asap"

[[line_item]]
id = "search-li"
campaign = "search"
[line_item.bid]
)" + std::string(strategy_lines) +
           R"(
[[line_item.creative]]
id = "cr-search"
format = "banner"
w = 300
h = 250
markup = "<ad>"

[[line_item]]
id = "own-li"
campaign = "own"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr-own"
format = "banner"
w = 300
h = 250
markup = "<ad>"
)";
}

// The platform reports `spend_micros` for the UTC hour starting at `hour_us`.
void report(test::TestEngine& e, std::int64_t hour_us, std::int64_t spend_micros, std::string_view revision = "0") {
    feeds::Event ev;
    ev.kind = feeds::EventKind::spend_report;
    ev.platform = feeds::Platform::google_ads;
    (void)ev.event_id.assign("google_ads:search:" + std::to_string(hour_us) + ":" + std::string(revision));
    (void)ev.campaign_id.assign("search");
    ev.spend.spend = Micros{spend_micros};
    ev.spend.bucket_start = feeds::UtcMicros{std::chrono::microseconds{hour_us}};
    ev.spend.granularity = feeds::Granularity::hour;
    e.control.platform_reports().record(ev);
}

std::vector<Adjustment> all(const test::TestEngine& e) {
    return e.control.adjustments().since(0, AdPlatform::none, 1000).adjustments;
}

// A copy, not a pointer into `v`: callers pass all(e), a temporary.
std::optional<Adjustment> last_of(const std::vector<Adjustment>& v, AdjustmentField f) {
    std::optional<Adjustment> out;
    for (const Adjustment& a : v)
        if (a.field == f) out = a;
    return out;
}

struct Managed : testing::Test {
    test::TestEngine e{load_config_text(managed_config("strategy = \"target_cpa\"\ntarget_cpa = 20.0\n"), "<test>")};
    std::int64_t noon = test::test_noon().time_since_epoch().count();
    void SetUp() override { e.control.adjustment_interval = 60s; }
    // Ticks every minute for `minutes`.
    void run(int minutes) {
        for (int i = 0; i < minutes; ++i) {
            e.clock.advance(1min);
            e.control.tick();
        }
    }
};

TEST_F(Managed, FirstTickSendsTheConfiguredBudgetAndTarget) {
    e.control.tick();
    const std::vector<Adjustment> v = all(e);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].kind, AdjustmentKind::budget);
    EXPECT_EQ(v[0].field, AdjustmentField::daily_budget);
    EXPECT_EQ(v[0].value_micros, 240'000'000);
    EXPECT_EQ(v[0].reason, AdjustmentReason::initial);
    EXPECT_FALSE(v[0].previous_micros.has_value());
    EXPECT_EQ(v[1].kind, AdjustmentKind::bid);
    EXPECT_EQ(v[1].field, AdjustmentField::target_cpa);
    EXPECT_EQ(v[1].value_micros, 20'000'000);
    EXPECT_EQ(v[1].platform, AdPlatform::google_ads);
    EXPECT_EQ(v[1].platform_campaign_id, "111");
    EXPECT_EQ(v[1].campaign, "search");
    EXPECT_EQ(v[1].seq, static_cast<std::uint64_t>(noon) + 1);
    // Without platform reports the controller has nothing to go on: no move.
    run(30);
    EXPECT_EQ(all(e).size(), 2u);
}

TEST_F(Managed, UnderspendRaisesTheTargetInStepsOfTheThreshold) {
    e.control.tick();
    // By noon the plan is $120; the platform reports $1 an hour: far under.
    for (int h = 0; h < 12; ++h) report(e, noon - (12 - h) * kHourUs, 1'000'000);
    run(1);
    std::vector<Adjustment> v = all(e);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[2].field, AdjustmentField::target_cpa);
    EXPECT_EQ(v[2].value_micros, 21'000'000) << "one step: x1.05";
    EXPECT_EQ(v[2].previous_micros, 20'000'000);
    EXPECT_EQ(v[2].reason, AdjustmentReason::controller);
    EXPECT_DOUBLE_EQ(v[2].multiplier, 1.05);
    run(120);
    v = all(e);
    const auto bid = last_of(v, AdjustmentField::target_cpa);
    ASSERT_TRUE(bid.has_value());
    // x1.05 steps to 1.98x; the last 1 % to the 2x bound waited an hour (below the threshold).
    EXPECT_EQ(bid->value_micros, 40'000'000) << "held at 2x the configured target";
    EXPECT_EQ(bid->reason, AdjustmentReason::safety_clamp);
    for (std::size_t i = 3; i + 1 < v.size(); ++i)
        EXPECT_GE(static_cast<double>(v[i].value_micros) / static_cast<double>(*v[i].previous_micros), 1.05 - 1e-6);
    const std::size_t n = v.size();
    run(120);
    EXPECT_EQ(all(e).size(), n) << "at the bound nothing changes: nothing is re-sent";
}

TEST_F(Managed, OverspendLowersTheTarget) {
    e.control.tick();
    for (int h = 0; h < 12; ++h) report(e, noon - (12 - h) * kHourUs, 20'000'000);  // $240 by noon: 2x the plan
    run(1);
    const auto bid = last_of(all(e), AdjustmentField::target_cpa);
    ASSERT_TRUE(bid.has_value());
    EXPECT_EQ(bid->value_micros, 19'047'619) << "one step: /1.05";
    EXPECT_EQ(bid->reason, AdjustmentReason::controller);
}

TEST_F(Managed, ReportingLagIsNotUnderspend) {
    e.control.tick();
    // Reports through 10:00 only, exactly on plan ($10 an hour): no move although it is noon.
    for (int h = 0; h < 10; ++h) report(e, noon - (12 - h) * kHourUs, 10'000'000);
    run(30);
    EXPECT_EQ(all(e).size(), 2u);
}

TEST_F(Managed, LineItemsNeverBidAndGetNoLease) {
    e.control.tick();
    const auto cs = e.state.control.load();
    EXPECT_FALSE(cs->live.test(e.index_of("search-li")));
    EXPECT_TRUE(cs->live.test(e.index_of("own-li")));
    EXPECT_EQ(e.shard.line_items[e.index_of("search-li")].granted_micros.load(), 0);
}

TEST(ManagedAdjustments, TargetRoasMovesTheOtherWayAndOverrideIsManual) {
    test::TestEngine e(load_config_text(managed_config("strategy = \"target_roas\"\ntarget_roas = 4.0\n"), "<test>"));
    e.control.adjustment_interval = 60s;
    const std::int64_t noon = test::test_noon().time_since_epoch().count();
    e.control.tick();
    for (int h = 0; h < 12; ++h) report(e, noon - (12 - h) * kHourUs, 1'000'000);
    e.clock.advance(1min);
    e.control.tick();
    const auto bid = last_of(all(e), AdjustmentField::target_roas);
    ASSERT_TRUE(bid.has_value());
    EXPECT_EQ(bid->value_micros, 3'809'524) << "underspend: a lower ROAS target bids more";

    test::TestEngine o(load_config_text(
        managed_config("strategy = \"manual_cpc\"\ncpc = 0.5\n", "bid_multiplier_override = 1.2\n"), "<test>"));
    o.control.tick();
    o.clock.advance(1min);
    o.control.tick();
    const auto cpc = last_of(all(o), AdjustmentField::max_cpc);
    ASSERT_TRUE(cpc.has_value());
    EXPECT_EQ(cpc->value_micros, 600'000);
    EXPECT_EQ(cpc->reason, AdjustmentReason::initial);
}

TEST(ManagedAdjustments, ManualCpmHasNoPlatformBidOnlyABudget) {
    test::TestEngine e(load_config_text(managed_config("strategy = \"manual_cpm\"\ncpm = 2.0\n"), "<test>"));
    e.control.tick();
    const std::vector<Adjustment> v = all(e);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, AdjustmentField::daily_budget);
}

// A restart (pacing_state.h) neither forgets what went out nor sends it
// again: a connector polling from its last seq sees nothing new, a new one
// reading from 0 gets the history, and the bid moves on from where it was.
TEST(ManagedAdjustments, ARestartKeepsTheLogAndTheBidAndResendsNothing) {
    test::ScratchDir dir("adjustments");
    const Config config = load_config_text(managed_config("strategy = \"target_cpa\"\ntarget_cpa = 20.0\n"), "<test>");
    const std::int64_t noon = test::test_noon().time_since_epoch().count();
    test::TestEngine before(config);
    before.control.adjustment_interval = 60s;
    before.control.set_pacing_state_dir(dir.path());
    before.control.tick();
    for (int h = 0; h < 12; ++h) report(before, noon - (12 - h) * kHourUs, 1'000'000);  // far under the plan
    for (int m = 0; m < 3; ++m) {
        before.clock.advance(1min);
        before.control.tick();
    }
    const std::vector<Adjustment> sent = all(before);
    ASSERT_EQ(sent.size(), 5u) << "budget, target, then three x1.05 steps";
    EXPECT_EQ(sent.back().value_micros, 23'152'500);

    test::TestEngine after(config, before.clock.now());
    after.control.adjustment_interval = 60s;
    after.control.set_pacing_state_dir(dir.path());
    const std::vector<Adjustment> restored = all(after);
    ASSERT_EQ(restored.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(restored[i].seq, sent[i].seq);
        EXPECT_EQ(restored[i].value_micros, sent[i].value_micros);
        EXPECT_EQ(restored[i].reason, sent[i].reason);
    }
    after.control.tick();
    EXPECT_EQ(after.control.adjustments().since(sent.back().seq, AdPlatform::none, 10).adjustments.size(), 0u)
        << "no report yet since the start: nothing to change, nothing re-sent as initial";
    // Reports come back (rebuilt from the event log in serve); the bid moves one step on from 23.15.
    for (int h = 0; h < 12; ++h) report(after, noon - (12 - h) * kHourUs, 1'000'000);
    after.clock.advance(1min);
    after.control.tick();
    const auto next = after.control.adjustments().since(sent.back().seq, AdPlatform::none, 10).adjustments;
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].value_micros, 24'310'125) << "x1.05 from the restored multiplier, not from 20.00";
    EXPECT_EQ(next[0].previous_micros, 23'152'500);
    EXPECT_EQ(next[0].reason, AdjustmentReason::controller);
    EXPECT_GT(next[0].seq, sent.back().seq);
}

}  // namespace
}  // namespace bidline
