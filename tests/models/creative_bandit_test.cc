// Creative bandit: Thompson sampling finds the better creative, splits evenly
// without data, the Beta sampler has the right moments; fatigue flags a
// creative whose CTR halves (fatigued, then retired) and leaves a stable one
// alone; retired creatives are not served.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "bidline/models/creative_bandit.h"

namespace bidline::models {
namespace {

using std::chrono::hours;

constexpr BanditTime kStart{std::chrono::microseconds{1704067200LL * 1'000'000}};  // 2024-01-01 00:00 UTC

// Plays `impressions` rounds: choose with the published snapshot, simulate a
// click at the chosen creative's true CTR, record; the control loop
// republishes every `tick` impressions, as it would once per tick.
struct Simulation {
    CreativeBandit bandit;
    std::vector<double> ctr;
    std::vector<std::uint32_t> eligible;
    Xorshift64Star rng{7};
    std::mt19937_64 world{11};

    Simulation(std::vector<double> true_ctr, const CreativeBanditConfig& config = {})
        : bandit(true_ctr.size(), config), ctr(std::move(true_ctr)) {
        for (std::uint32_t i = 0; i < ctr.size(); ++i) eligible.push_back(i);
    }
    std::vector<int> play(int impressions, int tick = 1000) {
        std::vector<int> chosen(ctr.size());
        CreativeBanditSnapshot snap = bandit.snapshot();
        for (int i = 0; i < impressions; ++i) {
            if (i % tick == 0) snap = bandit.snapshot();
            const auto c = snap.choose(eligible, rng);
            if (!c) ADD_FAILURE() << "no creative chosen";
            ++chosen[*c];
            const bool click = std::bernoulli_distribution(ctr[*c])(world);
            bandit.record(*c, 1, click ? 1 : 0, kStart);
        }
        return chosen;
    }
};

// Lai–Robbins: any consistent policy plays the worse arm about
// ln T / KL(0.01 ‖ 0.02) = ln(100 000) / 0.0030 ≈ 3 800 times in T = 100 000
// rounds, and Thompson sampling attains that rate: at most ~4% of the traffic,
// most of it early. We assert ≥ 95% for the better creative overall (5 000
// plays of the worse one at most) and ≥ 98% in the last 25 000. Measured with
// this seed: 99.0% and 99.9% (seeds 1–5: 97.9–99.5% and 99.6–99.99%).
TEST(CreativeBandit, ThompsonSamplingFavoursTheBetterCreative) {
    Simulation sim({0.01, 0.02});
    const std::vector<int> first = sim.play(75'000);
    const std::vector<int> last = sim.play(25'000);
    const double overall = (first[1] + last[1]) / 100'000.0;
    const double late = last[1] / 25'000.0;
    EXPECT_GT(overall, 0.95) << "worse creative chosen " << first[0] + last[0] << " times";
    EXPECT_GT(late, 0.98);
}

TEST(CreativeBandit, WithoutDataCreativesAreChosenEvenly) {
    CreativeBandit bandit(2, {});
    const CreativeBanditSnapshot snap = bandit.snapshot();
    const std::array<std::uint32_t, 2> eligible{0, 1};
    Xorshift64Star rng(3);
    int first = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) first += *snap.choose(eligible, rng) == 0;
    // Binomial sd at n = 20 000 is 0.0035: ±0.02 is almost 6 sd.
    EXPECT_NEAR(first / static_cast<double>(n), 0.5, 0.02);
}

TEST(CreativeBandit, NewCreativeStartsNearItsSiblingsNotAtFiftyPercent) {
    CreativeBandit bandit(2, {});
    bandit.record(0, 100'000, 1'000, kStart);
    const CreativeBanditSnapshot snap = bandit.snapshot();
    const auto& fresh = snap.arm(1);
    EXPECT_NEAR(fresh.a / (fresh.a + fresh.b), 0.01, 0.001);  // prior mean = pooled CTR
    EXPECT_NEAR(fresh.a + fresh.b, 100.0, 1e-9);              // worth prior_impressions
}

struct BetaCase {
    double a, b, variance_tolerance;  // relative; the variance's standard error grows with kurtosis
};

// 400 000 draws: the mean's standard error is sd/632; we allow 5 of them.
// The variance's relative standard error is √((κ − 1)/N): 0.2% for Beta(2, 5),
// 0.7% for Beta(0.3, 20) (κ ≈ 19); tolerances are ~5× that.
TEST(CreativeBandit, BetaSamplerMatchesTheoreticalMeanAndVariance) {
    Xorshift64Star rng(12345);
    for (const BetaCase c : {BetaCase{2, 5, 0.01}, BetaCase{0.5, 0.5, 0.01}, BetaCase{0.3, 20, 0.035},
                             BetaCase{30, 3000, 0.01}, BetaCase{1, 1, 0.01}}) {
        const int n = 400'000;
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = sample_beta(c.a, c.b, rng);
            ASSERT_TRUE(x >= 0 && x <= 1);
            sum += x;
            sum2 += x * x;
        }
        const double mean = sum / n, var = sum2 / n - mean * mean;
        const double true_mean = c.a / (c.a + c.b);
        const double true_var = c.a * c.b / ((c.a + c.b) * (c.a + c.b) * (c.a + c.b + 1));
        EXPECT_NEAR(mean, true_mean, 5 * std::sqrt(true_var / n)) << "Beta(" << c.a << ", " << c.b << ")";
        EXPECT_NEAR(var / true_var, 1.0, c.variance_tolerance) << "Beta(" << c.a << ", " << c.b << ")";
    }
}

TEST(CreativeBandit, GammaSamplerMeanEqualsShape) {
    Xorshift64Star rng(99);
    for (double shape : {0.2, 1.0, 3.5, 50.0}) {
        const int n = 200'000;
        double sum = 0;
        for (int i = 0; i < n; ++i) sum += sample_gamma(shape, rng);
        EXPECT_NEAR(sum / n, shape, 5 * std::sqrt(shape / n)) << shape;  // Gamma variance = shape
    }
}

// Two creatives, 2 000 impressions an hour each, at 2% for two weeks; then B
// drops to 1% while A stays at 2%. Evaluated at every hour, as the control
// loop would.
TEST(CreativeBandit, HalvedCtrIsFatiguedThenRetiredWhileAStableCreativeIsNot) {
    const CreativeBanditConfig config;  // hourly buckets, recent 24 h vs the week before
    CreativeBandit bandit(2, config);
    std::mt19937_64 world(5);
    auto hour = [&](int h, double ctr_b) {
        const BanditTime t = kStart + hours(h);
        bandit.record(0, 2000, static_cast<double>(std::binomial_distribution<int>(2000, 0.02)(world)), t);
        bandit.record(1, 2000, static_cast<double>(std::binomial_distribution<int>(2000, ctr_b)(world)), t);
        bandit.evaluate(t + hours(1));  // the hour just completed
    };
    for (int h = 0; h < 14 * 24; ++h) {
        hour(h, 0.02);
        ASSERT_EQ(bandit.status(0).state, CreativeState::ok) << "hour " << h << ": " << bandit.status(0).reason;
        ASSERT_EQ(bandit.status(1).state, CreativeState::ok) << "hour " << h << ": " << bandit.status(1).reason;
    }
    int fatigued_at = -1, retired_at = -1;
    for (int h = 14 * 24; h < 17 * 24; ++h) {
        hour(h, 0.01);
        ASSERT_EQ(bandit.status(0).state, CreativeState::ok) << "hour " << h << ": " << bandit.status(0).reason;
        if (fatigued_at < 0 && bandit.status(1).state == CreativeState::fatigued) {
            fatigued_at = h - 14 * 24;
            EXPECT_NE(bandit.status(1).reason.find("fatigued: recent CTR"), std::string::npos)
                << bandit.status(1).reason;
        }
        if (retired_at < 0 && bandit.status(1).state == CreativeState::retired) retired_at = h - 14 * 24;
    }
    // The recent day must be ≥ 40% post-change for its CTR to be ≤ 80% of
    // history's: ~10 hours; then retire_after_buckets (24) more.
    EXPECT_GE(fatigued_at, 8);
    EXPECT_LE(fatigued_at, 14);
    EXPECT_EQ(retired_at, fatigued_at + 24);
    EXPECT_NE(bandit.status(1).reason.find("retired after 24 buckets"), std::string::npos) << bandit.status(1).reason;

    const CreativeBanditSnapshot snap = bandit.snapshot();
    EXPECT_EQ(snap.arm(1).weight, 0.0);
    EXPECT_FALSE(snap.all_retired());
    const std::array<std::uint32_t, 2> both{0, 1};
    Xorshift64Star rng(1);
    for (int i = 0; i < 10'000; ++i) ASSERT_EQ(*snap.choose(both, rng), 0u);
}

TEST(CreativeBandit, FatiguedCreativeGetsLowerWeightAndRecoversWhenCtrReturns) {
    CreativeBanditConfig config;
    config.retire_after_buckets = 1000;  // keep it fatigued, never retired, in this test
    CreativeBandit bandit(1, config);
    std::mt19937_64 world(8);
    auto hour = [&](int h, double ctr) {
        const BanditTime t = kStart + hours(h);
        bandit.record(0, 2000, static_cast<double>(std::binomial_distribution<int>(2000, ctr)(world)), t);
        bandit.evaluate(t + hours(1));
    };
    for (int h = 0; h < 8 * 24; ++h) hour(h, 0.02);
    for (int h = 8 * 24; h < 9 * 24; ++h) hour(h, 0.008);
    ASSERT_EQ(bandit.status(0).state, CreativeState::fatigued);
    EXPECT_EQ(bandit.snapshot().arm(0).weight, config.fatigued_weight);
    std::string recovery;
    for (int h = 9 * 24; h < 10 * 24 && recovery.empty(); ++h) {
        hour(h, 0.02);
        if (bandit.status(0).state == CreativeState::ok) recovery = bandit.status(0).reason;
    }
    EXPECT_EQ(recovery.rfind("recovered: recent CTR", 0), 0u) << recovery;
}

TEST(CreativeBandit, TooFewImpressionsAreNeverFlagged) {
    CreativeBandit bandit(1, {});
    // 100 impressions an hour: the recent day has 2 400 < 5 000 needed.
    for (int h = 0; h < 10 * 24; ++h) {
        bandit.record(0, 100, h < 8 * 24 ? 10 : 0, kStart + hours(h));
        bandit.evaluate(kStart + hours(h + 1));
        ASSERT_EQ(bandit.status(0).state, CreativeState::ok);
    }
    EXPECT_EQ(bandit.status(0).reason, "ok: not enough impressions to test");
}

CreativeBandit retired_pair() {
    // Both creatives halve; a tiny config makes that quick.
    CreativeBanditConfig config;
    config.recent_buckets = 2;
    config.history_buckets = 6;
    config.min_recent_impressions = 1000;
    config.min_history_impressions = 1000;
    config.retire_after_buckets = 2;
    CreativeBandit bandit(3, config);
    for (int h = 0; h < 12; ++h) {
        for (std::uint32_t c = 0; c < 2; ++c) bandit.record(c, 10'000, h < 8 ? 400 : 100, kStart + hours(h));
        bandit.record(2, 10'000, 300, kStart + hours(h));
        bandit.evaluate(kStart + hours(h + 1));
    }
    return bandit;
}

TEST(CreativeBandit, RetiredCreativesAreNeverChosenUnlessAllEligibleAreRetired) {
    const CreativeBandit bandit = retired_pair();
    ASSERT_EQ(bandit.status(0).state, CreativeState::retired);
    ASSERT_EQ(bandit.status(1).state, CreativeState::retired);
    ASSERT_EQ(bandit.status(2).state, CreativeState::ok);
    const CreativeBanditSnapshot snap = bandit.snapshot();
    Xorshift64Star rng(4);
    const std::array<std::uint32_t, 3> all{0, 1, 2};
    for (int i = 0; i < 5'000; ++i) ASSERT_EQ(*snap.choose(all, rng), 2u);
    // Only retired ones eligible: the line item keeps serving, sampled among them.
    const std::array<std::uint32_t, 2> retired{0, 1};
    std::array<int, 2> counts{};
    for (int i = 0; i < 5'000; ++i) ++counts[*snap.choose(retired, rng)];
    EXPECT_GT(counts[0], 1'000);
    EXPECT_GT(counts[1], 1'000);
    EXPECT_FALSE(snap.all_retired());  // creative 2 is live
    EXPECT_EQ(snap.choose(std::span<const std::uint32_t>{}, rng), std::nullopt);
    const std::array<std::uint32_t, 2> out_of_range{7, 2};
    EXPECT_EQ(*snap.choose(out_of_range, rng), 2u);
}

TEST(CreativeBandit, ReinstateBringsARetiredCreativeBack) {
    CreativeBandit bandit = retired_pair();
    bandit.reinstate(0);
    EXPECT_EQ(bandit.status(0).state, CreativeState::ok);
    EXPECT_EQ(bandit.snapshot().arm(0).weight, 1.0);
}

}  // namespace
}  // namespace bidline::models
