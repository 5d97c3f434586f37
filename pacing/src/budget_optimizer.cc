#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>

#include "bidline/pacing/budget_optimizer.h"
#include "budget_envelope.h"

namespace bidline {
namespace {

constexpr double kRelativeGap = 1e-9;
constexpr int kMaxNodes = 20000;

void check_curves(std::span<const ChannelCurve> curves) {
    for (const auto& c : curves) {
        if (!(c.beta >= 0) || !(c.kappa > 0) || !(c.slope > 0) || !std::isfinite(c.beta) || !std::isfinite(c.kappa))
            throw std::invalid_argument("curve '" + c.name + "': need beta >= 0, kappa > 0, slope > 0");
        if (!(c.lower >= 0) || !(c.upper >= c.lower))
            throw std::invalid_argument("curve '" + c.name + "': need 0 <= lower <= upper");
    }
}

// Bounds after the max-change limit; `cap` replaces an infinite upper bound.
void effective_bounds(std::span<const ChannelCurve> curves, const BudgetLimits& limits, double cap,
                      std::vector<double>& low, std::vector<double>& high) {
    low.clear();
    high.clear();
    for (const auto& c : curves) {
        double lo = c.lower, hi = std::min(c.upper, cap);
        if (std::isfinite(limits.max_change)) {
            lo = std::max(lo, c.current * (1 - limits.max_change));
            hi = std::min(hi, c.current * (1 + limits.max_change));
        }
        if (hi < lo)
            throw std::invalid_argument("curve '" + c.name + "': bounds and max change leave no feasible spend");
        low.push_back(lo);
        high.push_back(hi);
    }
}

BudgetAllocation describe(std::span<const ChannelCurve> curves, const std::vector<double>& spend, int nodes) {
    BudgetAllocation a;
    a.nodes = nodes;
    double variance = 0;
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const auto& c = curves[i];
        const double r = c.response(spend[i]);
        a.channels.push_back({c.name, spend[i], r, c.marginal(spend[i])});
        a.spend += spend[i];
        a.response += r;
        if (c.beta > 0) variance += std::pow(r * c.beta_sd / c.beta, 2);
    }
    a.response_sd = std::sqrt(variance);
    a.roas = a.spend > 0 ? a.response / a.spend : 0;
    return a;
}

struct Node {
    std::vector<double> low, high;
    RelaxedPlan plan;
};

RelaxedPlan solve_node(std::span<const ChannelCurve> curves, const Node& node, double budget) {
    std::vector<CurveEnvelope> env;
    env.reserve(curves.size());
    for (std::size_t i = 0; i < curves.size(); ++i) env.push_back(CurveEnvelope::build(curves[i], node.low[i], node.high[i]));
    return solve_relaxation(env, budget);
}

}  // namespace

BudgetAllocation maximize_response(std::span<const ChannelCurve> curves, double budget, const BudgetLimits& limits) {
    check_curves(curves);
    if (!(budget >= 0)) throw std::invalid_argument("budget must be >= 0");
    Node root;
    effective_bounds(curves, limits, budget, root.low, root.high);
    double committed = 0;
    for (double l : root.low) committed += l;
    if (committed > budget * (1 + 1e-12))
        throw std::invalid_argument("the lower bounds need " + std::to_string(committed) + ", more than the budget " +
                                    std::to_string(budget));
    root.plan = solve_node(curves, root, budget);

    // Best-first branch and bound: expand the node with the highest upper bound.
    auto worse = [](const Node& a, const Node& b) { return a.plan.upper_bound < b.plan.upper_bound; };
    std::priority_queue<Node, std::vector<Node>, decltype(worse)> open(worse);
    std::vector<double> best = root.plan.spend;
    double best_value = root.plan.feasible;
    int nodes = 1;
    open.push(std::move(root));
    while (!open.empty() && nodes < kMaxNodes) {
        Node node = open.top();
        open.pop();
        const double tolerance = kRelativeGap * std::max(1.0, std::abs(best_value));
        if (node.plan.upper_bound <= best_value + tolerance) break;  // nothing left can do better
        // Split the channel whose envelope overstates its curve the most.
        std::size_t split = 0;
        double widest = -1;
        for (std::size_t i = 0; i < curves.size(); ++i) {
            const double x = node.plan.spend[i];
            const auto env = CurveEnvelope::build(curves[i], node.low[i], node.high[i]);
            const double gap = env.value(x) - curves[i].response(x);
            if (gap > widest) widest = gap, split = i;
        }
        if (widest <= tolerance) continue;
        const double at = node.plan.spend[split];
        for (int side = 0; side < 2; ++side) {
            Node child{node.low, node.high, {}};
            (side == 0 ? child.high[split] : child.low[split]) = at;
            double committed_child = 0;
            for (double l : child.low) committed_child += l;
            if (committed_child > budget * (1 + 1e-12)) continue;
            child.plan = solve_node(curves, child, budget);
            ++nodes;
            if (child.plan.feasible > best_value) best_value = child.plan.feasible, best = child.plan.spend;
            if (child.plan.upper_bound > best_value + tolerance) open.push(std::move(child));
        }
    }
    return describe(curves, best, nodes);
}

BudgetAllocation spend_to_marginal_roas(std::span<const ChannelCurve> curves, double target, const BudgetLimits& limits) {
    check_curves(curves);
    if (!(target > 0)) throw std::invalid_argument("target marginal ROAS must be > 0");
    std::vector<double> low, high, spend;
    // Past the spend where even the steepest possible marginal falls below the target nothing pays.
    effective_bounds(curves, limits, std::numeric_limits<double>::infinity(), low, high);
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const auto& c = curves[i];
        const double hi = std::isfinite(high[i]) ? high[i] : std::max(low[i], c.kappa * 1e9);
        // Candidates: the lower bound, and where the concave part's marginal meets the target.
        const double on = c.spend_at_marginal(target, std::clamp(c.inflection(), low[i], hi), hi);
        const double gain_on = c.response(on) - target * on, gain_off = c.response(low[i]) - target * low[i];
        spend.push_back(gain_on > gain_off ? on : low[i]);
    }
    return describe(curves, spend, 1);
}

BudgetAllocation best_at_target_roas(std::span<const ChannelCurve> curves, double target, double budget,
                                     const BudgetLimits& limits) {
    if (!(target > 0)) throw std::invalid_argument("target ROAS must be > 0");
    std::vector<double> low, high;
    effective_bounds(curves, limits, budget, low, high);
    double from = 0, to = 0;
    for (double l : low) from += l;
    for (double h : high) to += h;
    to = std::min(to, budget);
    if (from > to) throw std::invalid_argument("the lower bounds exceed the budget");
    // ROAS of the optimal plan need not be monotone in the budget (S-curves
    // pay only past a threshold): scan from the top, then refine by bisection.
    constexpr int kScan = 64;
    auto plan_at = [&](double b) { return maximize_response(curves, b, limits); };
    for (int k = kScan; k >= 0; --k) {
        const double b = from + (to - from) * k / kScan;
        BudgetAllocation a = plan_at(b);
        if (a.roas < target) continue;
        if (k == kScan) return a;
        double good = b, bad = from + (to - from) * (k + 1) / kScan;
        for (int i = 0; i < 50 && bad - good > 1e-9 * bad; ++i) {
            const double mid = 0.5 * (good + bad);
            BudgetAllocation m = plan_at(mid);
            if (m.roas >= target) good = mid, a = std::move(m); else bad = mid;
        }
        return a;
    }
    throw std::invalid_argument("no budget up to " + std::to_string(budget) + " reaches ROAS " + std::to_string(target));
}

std::vector<BudgetAllocation> budget_scenarios(std::span<const ChannelCurve> curves, std::span<const double> budgets,
                                               const BudgetLimits& limits) {
    std::vector<BudgetAllocation> out;
    for (double b : budgets) out.push_back(maximize_response(curves, b, limits));
    return out;
}

BudgetAllocation brute_force_response(std::span<const ChannelCurve> curves, double budget, const BudgetLimits& limits,
                                      int steps) {
    if (curves.empty() || curves.size() > 3) throw std::invalid_argument("brute force takes 1 to 3 channels");
    std::vector<double> low, high;
    effective_bounds(curves, limits, budget, low, high);
    const std::size_t n = curves.size();
    std::vector<double> x(n), best;
    double best_value = -1;
    // All channels but the last on a grid; the last takes what is left, up to its bound.
    auto visit = [&](auto&& self, std::size_t i, double used) -> void {
        if (i + 1 == n) {
            x[i] = std::min(high[i], budget - used);
            if (x[i] < low[i]) return;
            double v = 0;
            for (std::size_t k = 0; k < n; ++k) v += curves[k].response(x[k]);
            if (v > best_value) best_value = v, best = x;
            return;
        }
        for (int s = 0; s <= steps; ++s) {
            x[i] = low[i] + (high[i] - low[i]) * s / steps;
            if (used + x[i] > budget) break;
            self(self, i + 1, used + x[i]);
        }
    };
    visit(visit, 0, 0.0);
    if (best.empty()) throw std::invalid_argument("no feasible plan");
    return describe(curves, best, 0);
}

}  // namespace bidline
