// The budget optimizer's plans equal an exhaustive grid search on small
// cases — concave curves, S-curves where equal marginal ROI is the wrong
// answer — and respect bounds, max-change limits and ROAS targets.
#include <gtest/gtest.h>

#include <vector>

#include "bidline/pacing/budget_optimizer.h"

namespace bidline {
namespace {

ChannelCurve hill(std::string name, double beta, double kappa, double slope) {
    ChannelCurve c;
    c.name = std::move(name);
    c.beta = beta;
    c.kappa = kappa;
    c.slope = slope;
    return c;
}

// The optimizer is at least as good as the grid (it is exact; the grid is
// not) and no better than the grid plus what one grid step can add.
void expect_matches_brute_force(const std::vector<ChannelCurve>& curves, double budget, const BudgetLimits& limits = {}) {
    const auto plan = maximize_response(curves, budget, limits);
    const auto grid = brute_force_response(curves, budget, limits, curves.size() == 2 ? 20000 : 600);
    EXPECT_GE(plan.response, grid.response - 1e-9 * grid.response);
    EXPECT_LE(plan.response, grid.response * (1 + 2e-4));
    for (std::size_t i = 0; i < curves.size(); ++i)
        EXPECT_NEAR(plan.channels[i].spend, grid.channels[i].spend, budget * 3e-3) << curves[i].name;
    EXPECT_LE(plan.spend, budget * (1 + 1e-9));
}

TEST(BudgetOptimizer, ConcaveCurvesEqualBruteForceAndEqualiseMarginalRoi) {
    const std::vector<ChannelCurve> curves{hill("search", 5000, 800, 0.8), hill("social", 3000, 500, 1.0)};
    expect_matches_brute_force(curves, 1500);
    const auto plan = maximize_response(curves, 1500);
    EXPECT_NEAR(plan.channels[0].mroi, plan.channels[1].mroi, 1e-6 * plan.channels[0].mroi);
    EXPECT_EQ(plan.nodes, 1);
}

TEST(BudgetOptimizer, SCurvesWhereEqualMarginalRoiIsWrong) {
    // Two identical thresholds: splitting 1000 evenly puts both at equal
    // marginal ROI but below their thresholds; all on one channel is far better.
    const std::vector<ChannelCurve> curves{hill("tv", 4000, 900, 3.0), hill("ooh", 4000, 900, 3.0)};
    const auto plan = maximize_response(curves, 1000);
    const double even = 2 * curves[0].response(500);
    EXPECT_GT(plan.response, 1.5 * even);
    EXPECT_NEAR(std::max(plan.channels[0].spend, plan.channels[1].spend), 1000, 1e-6);
    expect_matches_brute_force(curves, 1000);
}

TEST(BudgetOptimizer, MixedThreeChannelsEqualBruteForceAcrossBudgets) {
    const std::vector<ChannelCurve> curves{hill("a", 3000, 600, 2.5), hill("b", 2000, 300, 0.9), hill("c", 5000, 1500, 1.8)};
    for (double budget : {200.0, 800.0, 1500.0, 3000.0, 6000.0}) {
        SCOPED_TRACE(budget);
        expect_matches_brute_force(curves, budget);
    }
}

TEST(BudgetOptimizer, LogisticCurvesEqualBruteForce) {
    std::vector<ChannelCurve> curves{hill("a", 3000, 600, 1), hill("b", 2000, 300, 1)};
    for (auto& c : curves) c.shape = CurveShape::logistic;
    expect_matches_brute_force(curves, 900);
}

TEST(BudgetOptimizer, BoundsAndMaxChangeAreRespected) {
    std::vector<ChannelCurve> curves{hill("a", 3000, 600, 2.5), hill("b", 2000, 300, 0.9), hill("c", 5000, 1500, 1.8)};
    curves[0].lower = 300;
    curves[1].upper = 450;
    for (auto& c : curves) c.current = 500;
    const BudgetLimits limits{0.4};  // ±40% of 500: [300, 700]
    const auto plan = maximize_response(curves, 1600, limits);
    for (const auto& ch : plan.channels) {
        EXPECT_GE(ch.spend, 300 - 1e-9) << ch.name;
        EXPECT_LE(ch.spend, 700 + 1e-9) << ch.name;
    }
    EXPECT_LE(plan.channels[1].spend, 450 + 1e-9);
    expect_matches_brute_force(curves, 1600, limits);
    EXPECT_THROW(maximize_response(curves, 100, limits), std::invalid_argument);  // lower bounds exceed it
}

TEST(BudgetOptimizer, UnusedBudgetWhenEveryChannelIsAtItsUpperBound) {
    std::vector<ChannelCurve> curves{hill("a", 3000, 600, 1.5), hill("b", 2000, 300, 0.9)};
    curves[0].upper = 100;
    curves[1].upper = 200;
    const auto plan = maximize_response(curves, 1000);
    EXPECT_DOUBLE_EQ(plan.spend, 300);
}

TEST(BudgetOptimizer, TargetMarginalRoasStopsEachChannelWhereItsMarginalMeetsTheTarget) {
    const std::vector<ChannelCurve> curves{hill("a", 3000, 600, 1.0), hill("b", 2000, 300, 3.0), hill("dud", 10, 300, 3.0)};
    const auto plan = spend_to_marginal_roas(curves, 1.5);
    EXPECT_NEAR(plan.channels[0].mroi, 1.5, 1e-6);
    EXPECT_NEAR(plan.channels[1].mroi, 1.5, 1e-6);
    EXPECT_EQ(plan.channels[2].spend, 0.0);  // never pays back: no spend
    // Same answer as the budget problem at that total spend.
    const auto same = maximize_response(curves, plan.spend);
    EXPECT_NEAR(same.response, plan.response, 1e-6 * plan.response);
}

TEST(BudgetOptimizer, TargetRoasFindsTheLargestBudgetThatKeepsIt) {
    const std::vector<ChannelCurve> curves{hill("a", 3000, 600, 1.0), hill("b", 2000, 300, 0.8)};
    const auto plan = best_at_target_roas(curves, 2.0, 10000);
    EXPECT_NEAR(plan.roas, 2.0, 1e-6);
    EXPECT_LT(maximize_response(curves, plan.spend * 1.01).roas, 2.0);
    EXPECT_THROW(best_at_target_roas(curves, 100.0, 10000), std::invalid_argument);
}

TEST(BudgetOptimizer, ScenariosGrowWithBudgetAndCarryUncertainty) {
    std::vector<ChannelCurve> curves{hill("a", 3000, 600, 2.0), hill("b", 2000, 300, 0.9)};
    curves[0].beta_sd = 300;
    const std::vector<double> budgets{500, 1000, 2000};
    const auto plans = budget_scenarios(curves, budgets);
    ASSERT_EQ(plans.size(), 3u);
    EXPECT_LT(plans[0].response, plans[1].response);
    EXPECT_LT(plans[1].response, plans[2].response);
    EXPECT_NEAR(plans[2].response_sd, plans[2].channels[0].response * 0.1, 1e-9);
}

}  // namespace
}  // namespace bidline
