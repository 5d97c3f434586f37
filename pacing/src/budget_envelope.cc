#include <algorithm>
#include <cmath>

#include "budget_envelope.h"

namespace bidline {

CurveEnvelope CurveEnvelope::build(const ChannelCurve& c, double low, double high) {
    CurveEnvelope e{&c, low, high, low, 0.0, c.response(low)};
    const double z = c.inflection();
    if (low >= z || high <= low) return e;
    const double chord_to_high = (c.response(high) - e.at_low) / (high - low);
    if (c.marginal(high) >= chord_to_high) {  // convex enough all the way: the chord is the envelope
        e.tangent = high;
        e.chord_slope = chord_to_high;
        return e;
    }
    // The tangent point t solves f'(t)(t−low) = f(t) − f(low); the left side
    // minus the right is positive at the inflection and falls on the concave part.
    double a = std::max(low, z), b = high;
    for (int i = 0; i < 200 && b - a > 1e-15 * b; ++i) {
        const double t = 0.5 * (a + b);
        if (c.marginal(t) * (t - low) - (c.response(t) - e.at_low) > 0) a = t; else b = t;
    }
    e.tangent = 0.5 * (a + b);
    e.chord_slope = (c.response(e.tangent) - e.at_low) / (e.tangent - low);
    return e;
}

double CurveEnvelope::value(double x) const {
    return x < tangent ? at_low + chord_slope * (x - low) : curve->response(x);
}

double CurveEnvelope::best_response(double lambda) const {
    if (tangent > low && lambda > chord_slope) return low;
    return curve->spend_at_marginal(lambda, tangent, high);
}

RelaxedPlan solve_relaxation(std::span<const CurveEnvelope> envelopes, double budget) {
    const std::size_t n = envelopes.size();
    RelaxedPlan plan;
    plan.spend.resize(n);
    auto spend_at = [&](double lambda, std::vector<double>& x) {
        double total = 0;
        for (std::size_t i = 0; i < n; ++i) total += x[i] = envelopes[i].best_response(lambda);
        return total;
    };
    double total_high = 0;
    for (const auto& e : envelopes) total_high += e.high;
    if (total_high <= budget) {
        for (std::size_t i = 0; i < n; ++i) plan.spend[i] = envelopes[i].high;
    } else {
        // Bisection on λ (geometric: multipliers span orders of magnitude).
        double lambda_high = 0;
        for (const auto& e : envelopes) {
            const double m = e.tangent > e.low ? e.chord_slope : e.curve->marginal(std::max(e.low, e.curve->kappa * 1e-12));
            lambda_high = std::max(lambda_high, m);
        }
        lambda_high = std::min(lambda_high * 2 + 1e-300, 1e300);
        double lambda_low = lambda_high * 1e-18;
        std::vector<double> x_low(n), x_high(n);
        double s_low = spend_at(lambda_low, x_low), s_high = spend_at(lambda_high, x_high);
        if (s_low <= budget) {
            plan.spend = x_low;  // even a near-zero multiplier leaves budget unspent
        } else {
            std::vector<double> x_mid(n);
            for (int i = 0; i < 200 && lambda_high / lambda_low > 1 + 1e-14; ++i) {
                const double mid = std::sqrt(lambda_low * lambda_high);
                const double s = spend_at(mid, x_mid);
                if (s > budget) {
                    lambda_low = mid, s_low = s;
                    x_low.swap(x_mid);
                } else {
                    lambda_high = mid, s_high = s;
                    x_high.swap(x_mid);
                }
            }
            // The budget lies between the two plans: what remains goes, in
            // proportion, to the channels that differ (a chord is linear, so
            // any point on it is as good as any other for the relaxation).
            const double gap = s_low - s_high;
            const double share = gap > 0 ? (budget - s_high) / gap : 0.0;
            for (std::size_t i = 0; i < n; ++i) plan.spend[i] = x_high[i] + share * (x_low[i] - x_high[i]);
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        plan.upper_bound += envelopes[i].value(plan.spend[i]);
        plan.feasible += envelopes[i].curve->response(plan.spend[i]);
    }
    return plan;
}

}  // namespace bidline
