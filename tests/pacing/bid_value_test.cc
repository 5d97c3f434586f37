// Valuation per strategy: the formulas of bid_value.h, the starting λ of
// the budget-constrained strategies, and the conservative fallback without
// scores.
#include <gtest/gtest.h>

#include "bidline/pacing/bid_value.h"

namespace bidline {
namespace {

Scores scored(double pctr, double pcvr = 0, double value = 0) { return {true, pctr, pcvr, value}; }

TEST(BidValue, EachStrategyPricesTheImpressionByItsFormula) {
    BidSettings b;
    b.cpm = Micros::from_units(2);
    EXPECT_EQ(bid_value_cpm(b, {}), Micros::from_units(2));
    b.strategy = BidStrategy::manual_cpc;
    b.cpc = Micros::from_units(0.5);
    EXPECT_EQ(bid_value_cpm(b, scored(0.01)), Micros::from_units(5));  // 1000 × 0.5 × 0.01
    b.strategy = BidStrategy::target_cpa;
    b.target_cpa = Micros::from_units(20);
    EXPECT_EQ(bid_value_cpm(b, scored(0.01, 0.1)), Micros::from_units(20));
    b.strategy = BidStrategy::target_roas;
    b.target_roas = 4;
    EXPECT_EQ(bid_value_cpm(b, scored(0.01, 0.1, 40)), Micros::from_units(10));
}

TEST(BidValue, MaxClicksAndMaxConversionsStartFromLambdaTimesTheirProbability) {
    BidSettings b;
    b.strategy = BidStrategy::max_clicks;
    EXPECT_EQ(bid_value_cpm(b, scored(0.002)), Micros::from_units(kDefaultClickValue * 2));
    b.cpc = Micros::from_units(3);
    EXPECT_EQ(bid_value_cpm(b, scored(0.002)), Micros::from_units(6));
    b.strategy = BidStrategy::max_conversions;
    EXPECT_EQ(bid_value_cpm(b, scored(0.01, 0.05)), Micros::from_units(kDefaultConversionValue * 0.5));
    EXPECT_TRUE(pacing_may_raise_bid(BidStrategy::max_clicks));
    EXPECT_FALSE(pacing_may_raise_bid(BidStrategy::manual_cpm));
}

TEST(BidValue, WithoutScoresFallsBackToTheManualCpmOrNoBid) {
    BidSettings b;
    b.strategy = BidStrategy::max_clicks;
    EXPECT_FALSE(bid_value_cpm(b, {}));
    b.cpm = Micros::from_units(0.8);
    EXPECT_EQ(bid_value_cpm(b, {}), Micros::from_units(0.8));
}

}  // namespace
}  // namespace bidline
