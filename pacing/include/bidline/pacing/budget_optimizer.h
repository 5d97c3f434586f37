// Splitting a budget across channels from their response curves.
//
// The problem, maximise Σ f_i(x_i) subject to Σ x_i ≤ B and bounds on each
// x_i, is concave when every curve is, and then the answer equalises
// marginal ROI: bisection on the multiplier λ, exact. S-shaped Hill curves
// (slope > 1) break that: equal marginal ROI can be a minimum, and the best
// plan may starve one channel to push another over its threshold. We solve
// those by branch and bound on concave envelopes (Udell & Boyd, "Maximizing a
// sum of sigmoids", 2013): each node solves the concave relaxation exactly by
// bisection, which bounds the optimum from above and yields a feasible plan
// from below; branches split the one channel whose envelope differs from its
// curve. The result is the global optimum to a relative tolerance of 1e-9.
//
// Pure functions, any thread. The control loop applies the plan later,
// within its own safety limits.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <vector>

#include "bidline/pacing/response_curve.h"

namespace bidline {

struct BudgetLimits {
    // Largest move away from each channel's current spend, as a fraction of
    // it (0.3 = ±30%); infinity = no limit.
    double max_change = std::numeric_limits<double>::infinity();
};

struct ChannelSpend {
    std::string name;
    double spend = 0;
    double response = 0;
    double mroi = 0;  // marginal response per unit of spend at this spend
};

struct BudgetAllocation {
    std::vector<ChannelSpend> channels;
    double spend = 0;
    double response = 0;
    double response_sd = 0;  // from the curves' beta_sd, channels taken as independent
    double roas = 0;         // response ÷ spend
    int nodes = 0;           // branch-and-bound nodes solved (1 for concave curves)
};

// Most response for at most `budget` in total. Throws std::invalid_argument
// when the lower bounds alone exceed the budget or a curve is malformed.
BudgetAllocation maximize_response(std::span<const ChannelCurve> curves, double budget, const BudgetLimits& limits = {});

// Each channel spends while its marginal ROAS is at least `target`: the plan
// that maximises response − target·spend, with the least spend among ties.
BudgetAllocation spend_to_marginal_roas(std::span<const ChannelCurve> curves, double target, const BudgetLimits& limits = {});

// The most response whose overall ROAS is at least `target`, spending at most
// `budget`. Throws std::invalid_argument when no budget reaches the target.
BudgetAllocation best_at_target_roas(std::span<const ChannelCurve> curves, double target, double budget,
                                     const BudgetLimits& limits = {});

// The optimal plan at each of several budgets (what-if).
std::vector<BudgetAllocation> budget_scenarios(std::span<const ChannelCurve> curves, std::span<const double> budgets,
                                               const BudgetLimits& limits = {});

// Reference for tests and benchmarks: exhaustive grid over the spends of up
// to three channels, `steps` points per channel across its range. Slow and
// obviously correct.
BudgetAllocation brute_force_response(std::span<const ChannelCurve> curves, double budget, const BudgetLimits& limits,
                                      int steps);

}  // namespace bidline
