// Limits on how fast the control loop may move what the bid path applies:
// a controller that misreads one noisy tick must not swing bids. Pure
// functions; any thread.
#pragma once

#include <algorithm>

namespace bidline {

struct PacingSafetyLimits {
    double max_multiplier_ratio = 1.05;  // per tick, up or down (×/÷)
    double max_pass_step = 0.05;         // per tick, absolute
    double min_multiplier = 0.01;
    double max_multiplier = 100.0;
};

inline double limit_multiplier(double previous, double wanted, const PacingSafetyLimits& l) {
    const double lo = std::max(l.min_multiplier, previous / l.max_multiplier_ratio);
    const double hi = std::min(l.max_multiplier, previous * l.max_multiplier_ratio);
    return std::clamp(wanted, lo, std::max(lo, hi));
}

inline double limit_pass_probability(double previous, double wanted, const PacingSafetyLimits& l) {
    return std::clamp(wanted, std::max(0.0, previous - l.max_pass_step), std::min(1.0, previous + l.max_pass_step));
}

}  // namespace bidline
