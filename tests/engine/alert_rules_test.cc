// Each alert rule with exact numbers at and around its threshold, and the
// alert book's lifecycle (ids, since, resolution, unknown verdicts).
#include <gtest/gtest.h>

#include "bidline/engine/alert_book.h"
#include "bidline/engine/alert_rules.h"

namespace bidline {
namespace {

const AlertSettings kDefaults{};

TEST(AlertRules, CtrDropFiresBelowEightTenthsOfTheTrailingCtr) {
    // Trailing 2.0 %: the threshold is 1.6 %. 15 clicks in 1000 wins = 1.5 %.
    const Reading r = ctr_drop_rule(kDefaults, {1000, 15}, {3000, 60});
    EXPECT_EQ(r.verdict, Verdict::firing);
    EXPECT_DOUBLE_EQ(r.value, 0.015);
    EXPECT_DOUBLE_EQ(r.threshold, 0.016);
    EXPECT_EQ(r.message, "CTR 1.5% over the last 60 min is below 1.6% (0.80 x its trailing 2.0%)");
    EXPECT_EQ(ctr_drop_rule(kDefaults, {1000, 16}, {3000, 60}).verdict, Verdict::clear) << "exactly 0.8x is not below";
}

TEST(AlertRules, CtrDropNeedsEnoughImpressionsAndTrailingClicks) {
    EXPECT_EQ(ctr_drop_rule(kDefaults, {199, 0}, {3000, 60}).verdict, Verdict::unknown);
    EXPECT_EQ(ctr_drop_rule(kDefaults, {200, 0}, {3000, 60}).verdict, Verdict::firing);
    EXPECT_EQ(ctr_drop_rule(kDefaults, {1000, 0}, {3000, 19}).verdict, Verdict::unknown);
}

TEST(AlertRules, CpcHighFiresAboveTargetPlusTwentyPercent) {
    // Target 0.50: the limit is 0.60. 10 clicks for 6.01 = 0.601.
    const Reading r = cpc_high_rule(kDefaults, 500'000, 6'010'000, 10);
    EXPECT_EQ(r.verdict, Verdict::firing);
    EXPECT_DOUBLE_EQ(r.value, 601'000);
    EXPECT_DOUBLE_EQ(r.threshold, 600'000);
    EXPECT_EQ(r.message, "CPC 0.60 over the last 60 min is above 0.60 (target 0.50 + 20.0%)");
    EXPECT_EQ(cpc_high_rule(kDefaults, 500'000, 6'000'000, 10).verdict, Verdict::clear) << "exactly +20 % is not above";
    EXPECT_EQ(cpc_high_rule(kDefaults, 500'000, 60'000'000, 9).verdict, Verdict::unknown) << "fewer than 10 clicks";
    EXPECT_EQ(cpc_high_rule(kDefaults, 0, 6'010'000, 10).verdict, Verdict::unknown) << "no target";
}

TEST(AlertRules, BudgetEarlyFiresAbove95PercentBeforeHalfThePlanIsDue) {
    const Reading r = budget_early_rule(kDefaults, 9'600'000, 10'000'000, 0.25);
    EXPECT_EQ(r.verdict, Verdict::firing);
    EXPECT_EQ(r.severity, AlertSeverity::critical);
    EXPECT_DOUBLE_EQ(r.value, 0.96);
    EXPECT_DOUBLE_EQ(r.threshold, 0.95);
    EXPECT_EQ(r.message,
              "96.0% of the daily budget 10.00 spent with only 25.0% of the day's plan due (limit 95.0% before 50.0%)");
    EXPECT_EQ(budget_early_rule(kDefaults, 9'500'000, 10'000'000, 0.25).verdict, Verdict::clear) << "95 % exactly";
    EXPECT_EQ(budget_early_rule(kDefaults, 9'600'000, 10'000'000, 0.5).verdict, Verdict::clear) << "no longer early";
    EXPECT_EQ(budget_early_rule(kDefaults, 9'600'000, 0, 0.25).verdict, Verdict::unknown) << "no daily budget";
}

TEST(AlertRules, SpendStalledFiresAfterThirtyMinutesWhileThePlanExpectsSpend) {
    // Plan to date 5.00, spent 1.00 of 100.00: 4.00 behind, above 1 % of the budget.
    const Reading r = spend_stalled_rule(kDefaults, 30, 5'000'000, 1'000'000, 100'000'000);
    EXPECT_EQ(r.verdict, Verdict::firing);
    EXPECT_DOUBLE_EQ(r.value, 30);
    EXPECT_DOUBLE_EQ(r.threshold, 30);
    EXPECT_EQ(r.message, "no spend for 30 min while the plan to date (5.00) is 4.00 ahead of spend today (1.00)");
    EXPECT_EQ(spend_stalled_rule(kDefaults, 29.9, 5'000'000, 1'000'000, 100'000'000).verdict, Verdict::clear);
    EXPECT_EQ(spend_stalled_rule(kDefaults, 60, 1'999'999, 1'000'000, 100'000'000).verdict, Verdict::clear)
        << "under 1 % of the budget behind the plan: nothing is expected";
    EXPECT_EQ(spend_stalled_rule(kDefaults, 60, 2'000'000, 1'000'000, 100'000'000).verdict, Verdict::firing);
}

TEST(AlertRules, ModelDriftFiresAbovePsiQuarter) {
    const Reading r = model_drift_rule(kDefaults, 0.31, "hour_of_week");
    EXPECT_EQ(r.verdict, Verdict::firing);
    EXPECT_EQ(r.subject, "model:click");
    EXPECT_EQ(r.message, "click model input drift: PSI 0.310 on hour_of_week is above 0.250 (retrain)");
    EXPECT_EQ(model_drift_rule(kDefaults, 0.25, "x").verdict, Verdict::clear);
}

Reading reading(AlertRule rule, Verdict v, std::string line_item, double value = 1) {
    Reading r;
    r.rule = rule;
    r.verdict = v;
    r.campaign = "cmp";
    r.line_item = std::move(line_item);
    r.value = value;
    return r;
}

TEST(AlertBook, FiresOnceKeepsItsIdAndSinceAndResolvesWhenClear) {
    AlertBook book;
    book.begin(1'000);
    book.report(reading(AlertRule::ctr_drop, Verdict::firing, "a", 0.5));
    book.report(reading(AlertRule::ctr_drop, Verdict::clear, "b"));
    auto t = book.end();
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].alert.id, 1u);
    EXPECT_EQ(t[0].alert.state, AlertState::active);
    EXPECT_EQ(t[0].alert.since_us, 1'000);

    book.begin(2'000);
    book.report(reading(AlertRule::ctr_drop, Verdict::firing, "a", 0.4));
    EXPECT_TRUE(book.end().empty()) << "still firing: no new transition";
    EXPECT_DOUBLE_EQ(book.published()->at(0).reading.value, 0.4) << "the current value follows";
    EXPECT_EQ(book.published()->at(0).since_us, 1'000);

    book.begin(3'000);
    book.report(reading(AlertRule::ctr_drop, Verdict::unknown, "a"));
    EXPECT_TRUE(book.end().empty()) << "too little data keeps the alert as it is";

    book.begin(4'000);
    book.report(reading(AlertRule::ctr_drop, Verdict::clear, "a", 0.9));
    t = book.end();
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].alert.id, 1u);
    EXPECT_EQ(t[0].alert.state, AlertState::resolved);
    EXPECT_EQ(t[0].alert.resolved_us, 4'000);
    EXPECT_DOUBLE_EQ(t[0].alert.reading.value, 0.9);

    book.begin(5'000);
    book.report(reading(AlertRule::ctr_drop, Verdict::firing, "a"));
    t = book.end();
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].alert.id, 2u) << "firing again is a new alert";
    const auto list = book.published();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->at(0).id, 2u) << "active first";
    EXPECT_EQ(list->at(1).state, AlertState::resolved);
}

TEST(AlertBook, AnAlertNoLongerReportedResolvesAndOldResolvedOnesAreDropped) {
    AlertBook book;
    book.set_keep_resolved(1);
    book.begin(1);
    book.report(reading(AlertRule::budget_early, Verdict::firing, "a"));
    book.report(reading(AlertRule::budget_early, Verdict::firing, "b"));
    ASSERT_EQ(book.end().size(), 2u);
    book.begin(2);  // both line items were removed
    EXPECT_EQ(book.end().size(), 2u);
    ASSERT_EQ(book.published()->size(), 1u);
    EXPECT_EQ(book.active_count(), 0u);
}

}  // namespace
}  // namespace bidline
