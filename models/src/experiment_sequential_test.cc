#include <algorithm>
#include <cmath>

#include "bidline/models/experiments/sequential_test.h"

namespace bidline::experiments {

double msprt_likelihood_ratio(const SequentialLook& look, double tau) {
    const double na = static_cast<double>(look.a.trials), nb = static_cast<double>(look.b.trials);
    if (na <= 0 || nb <= 0) return 1.0;
    // Unequal arms: the per-arm count with the same variance of the difference.
    const double n = 2.0 / (1.0 / na + 1.0 / nb);
    const double pooled = static_cast<double>(look.a.conversions + look.b.conversions) / (na + nb);
    const double v = 2.0 * pooled * (1.0 - pooled);  // variance of one pair's difference under the null
    if (v <= 0) return 1.0;
    const double theta = look.b.rate() - look.a.rate();
    const double t2 = tau * tau;
    const double log_ratio = 0.5 * std::log(v / (v + n * t2)) + n * n * t2 * theta * theta / (2 * v * (v + n * t2));
    return std::exp(log_ratio);
}

std::vector<double> msprt_p_values(std::span<const SequentialLook> looks, double tau) {
    std::vector<double> out;
    double p = 1.0;
    for (const auto& look : looks) {
        p = std::min(p, 1.0 / std::max(1.0, msprt_likelihood_ratio(look, tau)));
        out.push_back(p);
    }
    return out;
}

}  // namespace bidline::experiments
