// Experiment statistics against reference values: the z-test by hand, P(B>A)
// against closed forms and numerical integration, the sample size against R's
// power.prop.test, mSPRT p-values monotone and valid under A/A simulation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "bidline/models/experiments/assignment.h"
#include "bidline/models/experiments/incrementality.h"
#include "bidline/models/experiments/proportion_test.h"
#include "bidline/models/experiments/sequential_test.h"

namespace bidline::experiments {
namespace {

TEST(Experiments, NormalQuantileIsTheInverseCdf) {
    EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
    EXPECT_NEAR(normal_quantile(0.8), 0.8416212335729143, 1e-13);
    EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-9);
    for (double p : {0.001, 0.02, 0.3, 0.5, 0.77, 0.999}) EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14);
}

TEST(Experiments, TwoProportionZTest) {
    // 200/1000 vs 250/1000: pooled 0.225, se = √(0.225·0.775·0.002) = 0.0186748.
    const auto t = two_proportion_z_test({200, 1000}, {250, 1000});
    EXPECT_NEAR(t.z, 0.05 / std::sqrt(0.225 * 0.775 * 0.002), 1e-12);
    EXPECT_NEAR(t.z, 2.677398, 1e-5);
    EXPECT_NEAR(t.p_value, 0.0074198, 1e-6);  // = R prop.test(correct=FALSE), X² = z²
    EXPECT_LT(t.ci_low, 0.05);
    EXPECT_GT(t.ci_low, 0.0);
}

TEST(Experiments, ProbabilityBBeatsAMatchesClosedFormsAndIntegration) {
    EXPECT_NEAR(probability_b_beats_a({0, 0}, {0, 0}), 0.5, 1e-15);
    EXPECT_NEAR(probability_b_beats_a({0, 0}, {1, 1}), 2.0 / 3.0, 1e-15);  // Beta(2,1) vs Beta(1,1)
    EXPECT_NEAR(probability_b_beats_a({30, 100}, {30, 100}), 0.5, 1e-12);
    // Against a direct integral: P = ∫ f_B(x) F_A(x) dx, Simpson on a fine grid.
    const Proportion a{40, 400}, b{55, 410};
    auto log_pdf = [](double x, double al, double be) {
        return (al - 1) * std::log(x) + (be - 1) * std::log1p(-x) - (std::lgamma(al) + std::lgamma(be) - std::lgamma(al + be));
    };
    const int steps = 200000;
    const double h = 1.0 / steps;
    double cdf_a = 0, integral = 0, prev_fa = 0;
    for (int i = 1; i < steps; ++i) {
        const double x = i * h;
        const double fa = std::exp(log_pdf(x, 41, 361));
        cdf_a += 0.5 * (fa + prev_fa) * h;  // trapezoid CDF of A
        prev_fa = fa;
        integral += std::exp(log_pdf(x, 56, 356)) * cdf_a * h;
    }
    EXPECT_NEAR(probability_b_beats_a(a, b), integral, 2e-4);
    EXPECT_GT(probability_b_beats_a(a, b), 0.9);
}

TEST(Experiments, SampleSizeMatchesPowerPropTest) {
    // R: power.prop.test(p1 = .50, p2 = .75, power = .90) → n = 76.7 per group.
    EXPECT_NEAR(sample_size_per_arm(0.5, 0.5, 0.9, 0.05), 76.7, 0.05);
    // 10% → 11% at 80% power: the formula gives 14750.8.
    EXPECT_NEAR(sample_size_per_arm(0.1, 0.1, 0.8, 0.05), 14750.8, 0.5);
    EXPECT_THROW(sample_size_per_arm(0.9, 0.2), std::invalid_argument);
}

TEST(Experiments, MsprtPValuesAreMonotoneAndValidUnderTheNull) {
    // 400 A/A tests watched after every batch of 50 users per arm, 40 looks:
    // the share ever below 0.05 must stay at most 0.05 (plus sampling slack).
    std::mt19937_64 rng(5);
    std::bernoulli_distribution convert(0.1);
    int rejected = 0;
    const int tests = 400;
    for (int t = 0; t < tests; ++t) {
        std::vector<SequentialLook> looks;
        SequentialLook cur;
        for (int look = 0; look < 40; ++look) {
            for (int i = 0; i < 50; ++i) {
                cur.a.conversions += convert(rng);
                cur.b.conversions += convert(rng);
            }
            cur.a.trials += 50;
            cur.b.trials += 50;
            looks.push_back(cur);
        }
        const auto p = msprt_p_values(looks, 0.02);
        for (std::size_t i = 1; i < p.size(); ++i) ASSERT_LE(p[i], p[i - 1]);
        if (p.back() < 0.05) ++rejected;
    }
    EXPECT_LE(rejected, tests * 0.05 + 2 * std::sqrt(tests * 0.05));
    // A real difference is found.
    std::vector<SequentialLook> looks{{{1000, 10000}, {1300, 10000}}};
    EXPECT_LT(msprt_p_values(looks, 0.02).back(), 0.001);
}

TEST(Experiments, AssignmentIsStableAndFollowsWeights) {
    const ArmWeight arms[] = {{"control", 1}, {"treatment", 3}};
    int holdout = 0, treatment = 0;
    const int users = 100000;
    for (int u = 0; u < users; ++u) {
        const std::string id = "user-" + std::to_string(u);
        const auto a = assign_arm("exp1", id, arms, 0.1);
        const auto again = assign_arm("exp1", id, arms, 0.1);
        ASSERT_EQ(a.holdout, again.holdout);
        ASSERT_EQ(a.arm, again.arm);
        if (a.holdout) ++holdout;
        else if (a.arm == 1) ++treatment;
    }
    EXPECT_NEAR(holdout / double(users), 0.1, 0.005);
    EXPECT_NEAR(treatment / double(users - holdout), 0.75, 0.01);
    EXPECT_NE(assignment_hash("exp1", "u"), assignment_hash("exp2", "u"));
}

TEST(Experiments, IncrementalityLiftAndIroas) {
    // Exposed 600/10000, holdout 50/1000: +1% absolute, lift 20%, 100 incremental conversions.
    const auto r = measure_incrementality({600, 10000}, {50, 1000}, 2000.0, 40.0);
    EXPECT_NEAR(r.incremental_conversions.value, 100, 1e-9);
    EXPECT_NEAR(r.lift.value, 0.2, 1e-12);
    EXPECT_NEAR(r.iroas.value, 100 * 40.0 / 2000.0, 1e-12);
    const double se = std::sqrt(0.06 * 0.94 / 10000 + 0.05 * 0.95 / 1000);
    EXPECT_NEAR(r.incremental_conversions.high - r.incremental_conversions.value, 1.959963984540054 * se * 10000, 1e-6);
    EXPECT_LT(r.lift.low, r.lift.value);
    EXPECT_GT(r.lift.high, r.lift.value);
}

}  // namespace
}  // namespace bidline::experiments
