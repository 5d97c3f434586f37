// Comparing two conversion rates: the two-proportion z-test, the exact
// Bayesian probability that B beats A under uniform Beta(1,1) priors, and
// the sample size a test needs. Standard formulas, double precision.
#pragma once

#include <cstdint>

namespace bidline::experiments {

struct Proportion {
    std::int64_t conversions = 0;
    std::int64_t trials = 0;
    [[nodiscard]] double rate() const { return trials > 0 ? static_cast<double>(conversions) / static_cast<double>(trials) : 0; }
};

struct ZTest {
    double difference = 0;  // rate B − rate A
    double z = 0;           // with the pooled standard error
    double p_value = 0;     // two-sided
    double ci_low = 0, ci_high = 0;  // for the difference, unpooled, at 1 − alpha
};

double normal_cdf(double x);
double normal_quantile(double p);  // inverse of normal_cdf, full double precision

ZTest two_proportion_z_test(Proportion a, Proportion b, double alpha = 0.05);

// P(rate_B > rate_A) with Beta(1+conv, 1+trials−conv) posteriors, as an exact
// finite sum (Evan Miller's closed form); O(conversions of B) terms.
double probability_b_beats_a(Proportion a, Proportion b);

// Users per arm to detect a relative lift `mde` over `base_rate` with a
// two-sided test at `alpha` and the given power (the normal-approximation
// formula R's power.prop.test uses); not rounded: plan for the next integer.
double sample_size_per_arm(double base_rate, double mde, double power = 0.8, double alpha = 0.05);

}  // namespace bidline::experiments
