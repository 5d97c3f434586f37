// The concave envelope of one response curve over a spend interval, and the
// exact solution of the budget problem over a set of envelopes (the
// relaxation solved at each branch-and-bound node). Private to the optimizer.
#pragma once

#include <span>
#include <vector>

#include "bidline/pacing/response_curve.h"

namespace bidline {

// On [low, high] the envelope is the chord from `low` to `tangent` (slope
// `chord_slope`), then the curve itself; tangent == low when the curve is
// already concave there.
struct CurveEnvelope {
    const ChannelCurve* curve = nullptr;
    double low = 0, high = 0;
    double tangent = 0;
    double chord_slope = 0;
    double at_low = 0;  // curve->response(low)

    static CurveEnvelope build(const ChannelCurve& c, double low, double high);
    [[nodiscard]] double value(double x) const;
    // The spend maximising value(x) − λx (the top of the chord when λ equals its slope).
    [[nodiscard]] double best_response(double lambda) const;
};

struct RelaxedPlan {
    std::vector<double> spend;
    double upper_bound = 0;  // Σ envelope values: no plan in this box does better
    double feasible = 0;     // Σ curve values at `spend`: a plan we can actually run
};

// Maximises Σ envelope_i(x_i) with Σ x_i ≤ budget (precondition: Σ low ≤ budget).
RelaxedPlan solve_relaxation(std::span<const CurveEnvelope> envelopes, double budget);

}  // namespace bidline
