// The alert rules inside the control loop, on a ManualClock with direct
// ticks: wins and clicks applied as the feeds would, alerts firing and
// resolving at exact times with exact figures.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;
using test::CampaignSpec;
using test::LineItemSpec;
using test::TestEngine;

std::int64_t us(Timestamp t) { return t.time_since_epoch().count(); }

// Evaluates on every tick, so each tick is one evaluation.
struct AlertEngine : TestEngine {
    explicit AlertEngine(const Config& c, Timestamp now) : TestEngine(c, now) { control.alert_interval = 0ms; }

    void win(std::string_view li, std::int64_t micros) {
        control.recover({ShardEventKind::win, 0, 0, index_of(li), ++key, micros, us(clock.now())});
    }
    void click(std::string_view li) {
        control.recover({ShardEventKind::click, 0, 0, index_of(li), ++key, 0, us(clock.now())});
    }
    // The one alert of `rule`, or null.
    const Alert* alert(AlertRule rule) {
        list = control.alerts().published();
        const Alert* found = nullptr;
        for (const Alert& a : *list)
            if (a.reading.rule == rule) {
                EXPECT_EQ(found, nullptr) << "two alerts of " << to_string(rule);
                found = &a;
            }
        return found;
    }
    std::uint64_t key = 1000;
    std::shared_ptr<const std::vector<Alert>> list;
};

Timestamp six_am() { return test::test_noon() - 6h; }

TEST(AlertControlLoop, BudgetSpentEarlyFiresForTheCampaignAndResolvesOnceTheDayIsHalfGone) {
    // 10.00 a day, even plan: at 06:00 a quarter of it is due.
    AlertEngine e(test::make_config({{.id = "li"}}, {{.daily_budget = "10", .pacing = "even"}}), six_am());
    e.control.tick();
    e.win("li", 9'500'000);
    e.control.tick();
    EXPECT_EQ(e.alert(AlertRule::budget_early), nullptr) << "95 % exactly is not above 95 %";
    e.clock.advance(1min);
    e.win("li", 10'000);
    e.control.tick();
    const Alert* a = e.alert(AlertRule::budget_early);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->state, AlertState::active);
    EXPECT_EQ(a->reading.severity, AlertSeverity::critical);
    EXPECT_EQ(a->reading.campaign, "cmp");
    EXPECT_EQ(a->reading.line_item, "") << "the campaign's budget, not a line item's";
    EXPECT_DOUBLE_EQ(a->reading.value, 0.951);
    EXPECT_DOUBLE_EQ(a->reading.threshold, 0.95);
    EXPECT_EQ(a->since_us, us(six_am() + 1min));
    EXPECT_EQ(a->reading.message,
              "95.1% of the daily budget 10.00 spent with only 25.1% of the day's plan due (limit 95.0% before 50.0%)");

    e.clock.advance(5h + 59min);  // 12:00: half the plan is due, spending the budget is on plan
    e.control.tick();
    a = e.alert(AlertRule::budget_early);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->state, AlertState::resolved);
    EXPECT_EQ(a->resolved_us, us(test::test_noon()));
}

TEST(AlertControlLoop, ALineItemsOwnBudgetIsWatchedToo) {
    AlertEngine e(test::make_config({{.id = "li", .extra = "daily_budget = 1.0"}}, {{.pacing = "even"}}), six_am());
    e.control.tick();
    e.win("li", 960'000);
    e.control.tick();
    const Alert* a = e.alert(AlertRule::budget_early);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reading.line_item, "li");
    EXPECT_DOUBLE_EQ(a->reading.value, 0.96);
}

TEST(AlertControlLoop, SpendStalledAfterThirtyMinutesWithoutSpendAndResolvesOnTheNextWin) {
    // asap, 100.00 a day: everything is due, so no spend is a stall.
    AlertEngine e(test::make_config({{.id = "li"}}, {{.daily_budget = "100"}}), six_am());
    e.control.tick();
    e.win("li", 1'000'000);
    e.control.tick();
    e.clock.advance(29min);
    e.control.tick();
    EXPECT_EQ(e.alert(AlertRule::spend_stalled), nullptr);
    e.clock.advance(1min);
    e.control.tick();
    const Alert* a = e.alert(AlertRule::spend_stalled);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reading.campaign, "cmp");
    EXPECT_DOUBLE_EQ(a->reading.value, 30);
    EXPECT_EQ(a->reading.message,
              "no spend for 30 min while the plan to date (100.00) is 99.00 ahead of spend today (1.00)");
    e.clock.advance(10s);
    e.win("li", 1'000);
    e.control.tick();
    a = e.alert(AlertRule::spend_stalled);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->state, AlertState::resolved);
    EXPECT_EQ(a->resolved_us, us(six_am() + 30min + 10s));
}

TEST(AlertControlLoop, APausedCampaignIsNotStalled) {
    AlertEngine e(test::make_config({{.id = "li"}}, {{.daily_budget = "100", .extra = "paused = true"}}), six_am());
    e.control.tick();
    e.clock.advance(2h);
    e.control.tick();
    EXPECT_EQ(e.alert(AlertRule::spend_stalled), nullptr);
}

TEST(AlertControlLoop, CtrDropAgainstTheTrailingHoursAndBack) {
    AlertEngine e(test::make_config({{.id = "li"}}, {{.daily_budget = "100"}}), six_am());
    e.control.tick();
    const auto hour = [&](int clicks) {
        for (int k = 0; k < 1000; ++k) e.win("li", 0);
        for (int k = 0; k < clicks; ++k) e.click("li");
        e.control.tick();
        e.clock.advance(1h);
    };
    for (int h = 0; h < 3; ++h) hour(20);  // 2 % for three hours
    hour(10);                              // then 1 %
    const Alert* a = e.alert(AlertRule::ctr_drop);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reading.line_item, "li");
    EXPECT_DOUBLE_EQ(a->reading.value, 0.01);
    EXPECT_DOUBLE_EQ(a->reading.threshold, 0.016);
    EXPECT_EQ(a->since_us, us(six_am() + 3h));
    hour(20);  // 2 % again: 20/1000 against 0.8 x 70/4000
    a = e.alert(AlertRule::ctr_drop);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->state, AlertState::resolved);
    EXPECT_DOUBLE_EQ(a->reading.value, 0.02);
    EXPECT_DOUBLE_EQ(a->reading.threshold, 0.014);
}

TEST(AlertControlLoop, CpcAboveTheTargetOfAManualCpcLineItem) {
    const std::string toml =
        "[engine]\nshards = 1\nlisten = \"127.0.0.1:8080\"\n\n"
        "[[advertiser]]\nid = \"adv\"\ntimezone = \"UTC\"\ndomains = [\"adv.example\"]\n\n" +
        test::campaign_toml({.daily_budget = "100"}) +
        "[[line_item]]\nid = \"cpc\"\ncampaign = \"cmp\"\n[line_item.bid]\nstrategy = \"manual_cpc\"\ncpc = 0.5\n"
        "[line_item.targeting]\n[[line_item.creative]]\nid = \"cr\"\nformat = \"banner\"\nw = 300\nh = 250\nmarkup = "
        "'<ad>'\n";
    AlertEngine e(load_config_text(toml, "<test>"), six_am());
    e.control.tick();
    for (int k = 0; k < 10; ++k) {
        e.win("cpc", 600'000);
        e.click("cpc");
    }
    e.control.tick();
    EXPECT_EQ(e.alert(AlertRule::cpc_high), nullptr) << "0.60 a click is target + 20 % exactly";
    e.win("cpc", 10'000);
    e.control.tick();
    const Alert* a = e.alert(AlertRule::cpc_high);
    ASSERT_NE(a, nullptr);
    EXPECT_DOUBLE_EQ(a->reading.value, 601'000);
    EXPECT_DOUBLE_EQ(a->reading.threshold, 600'000);
}

TEST(AlertControlLoop, DisabledAlertsReportNothing) {
    Config c = test::make_config({{.id = "li", .extra = "daily_budget = 1.0"}}, {{.pacing = "even"}});
    c.alerts.enabled = false;
    AlertEngine e(c, six_am());
    e.win("li", 990'000);
    e.control.tick();
    EXPECT_TRUE(e.control.alerts().published()->empty());
}

}  // namespace
}  // namespace bidline
