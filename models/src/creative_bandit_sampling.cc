// Random draws of the creative bandit: normal (Marsaglia polar), Gamma
// (Marsaglia–Tsang 2000) and Beta (ratio of Gammas), on a caller's xorshift.
#include <cmath>

#include "bidline/models/creative_bandit.h"

namespace bidline::models {

double sample_standard_normal(Xorshift64Star& rng) noexcept {
    // Polar method: no trigonometry; accepts π/4 of the pairs.
    for (;;) {
        const double u = 2.0 * rng.uniform() - 1.0;
        const double v = 2.0 * rng.uniform() - 1.0;
        const double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
}

double sample_gamma(double shape, Xorshift64Star& rng) noexcept {
    if (!(shape > 0.0)) return 0.0;
    if (shape < 1.0) {
        // Gamma(a) = Gamma(a + 1) · U^(1/a): Marsaglia–Tsang needs a >= 1.
        const double g = sample_gamma(shape + 1.0, rng);
        return g * std::pow(rng.uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = sample_standard_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = rng.uniform();
        const double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // squeeze: skips the logs ~98% of the time
        if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
    }
}

double sample_beta(double a, double b, Xorshift64Star& rng) noexcept {
    const double x = sample_gamma(a, rng);
    const double y = sample_gamma(b, rng);
    const double sum = x + y;
    return sum > 0.0 ? x / sum : a / (a + b);  // both draws underflow only for tiny shapes
}

}  // namespace bidline::models
