// Drift against a training reference: identical traffic has PSI 0, shifted
// traffic crosses the retrain threshold, missing values count as their own
// bin, the reference survives its JSON round trip, and the calibration
// intervals behave like Wilson intervals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "bidline/models/drift_reference.h"
#include "bidline/models/model_load_error.h"

namespace bidline::models {
namespace {

std::vector<float> normal(std::size_t n, double mean, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(static_cast<float>(mean), 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

std::vector<std::uint64_t> live_counts(const BinnedDistribution& ref, const std::vector<float>& values) {
    std::vector<std::uint64_t> counts(ref.bins() + 1, 0);
    for (float v : values) ++counts[ref.bin_of(v)];
    return counts;
}

TEST(DriftReference, DecilesOfTheTrainingValues) {
    const auto train = normal(10'000, 0.0, 1);
    const BinnedDistribution d = bin_distribution(train, 1, 0, train.size());
    ASSERT_EQ(d.edges.size(), 9u);
    for (double s : d.shares) EXPECT_NEAR(s, 0.1, 0.002);
    EXPECT_EQ(d.missing_share, 0.0);
}

TEST(DriftReference, SameTrafficIsStableAndShiftedTrafficFlagsARetrain) {
    const auto train = normal(20'000, 0.0, 1);
    const BinnedDistribution ref = bin_distribution(train, 1, 0, train.size());
    const auto same = live_counts(ref, normal(20'000, 0.0, 2));
    EXPECT_LT(population_stability_index(ref, same), 0.01);
    EXPECT_LT(kolmogorov_smirnov(ref, same), 0.02);
    const auto shifted = live_counts(ref, normal(20'000, 1.0, 3));
    EXPECT_GT(population_stability_index(ref, shifted), kPsiRetrain);
    // KS of N(0,1) vs N(1,1) is 2Φ(0.5) − 1 = 0.383; at decile edges a little less.
    EXPECT_NEAR(kolmogorov_smirnov(ref, shifted), 0.383, 0.03);
}

TEST(DriftReference, MissingValuesAreABin) {
    std::vector<float> train(1000, 1.0f);
    for (int i = 0; i < 100; ++i) train[i] = std::nanf("");
    const BinnedDistribution ref = bin_distribution(train, 1, 0, train.size());
    EXPECT_NEAR(ref.missing_share, 0.1, 1e-12);
    std::vector<float> live(1000, std::nanf(""));  // everything missing now
    EXPECT_GT(population_stability_index(ref, live_counts(ref, live)), kPsiRetrain);
    EXPECT_TRUE(std::isnan(kolmogorov_smirnov(ref, live_counts(ref, live))));  // no present values to compare
}

TEST(DriftReference, JsonRoundTripAndDamagedFiles) {
    const std::vector<float> rows = {1, 2, 3, 4, std::nanf(""), 6, 7, 8, 9, 10, 11, 12};
    const std::vector<std::string_view> names = {"a", "b"};
    const std::vector<float> scores = {0.1f, 0.2f, 0.3f};
    const DriftReference ref = build_drift_reference(rows, 2, names, scores);
    const auto path = std::filesystem::path(testing::TempDir()) / "reference.json";
    std::ofstream(path) << drift_reference_json(ref);
    const DriftReference back = read_drift_reference(path);
    ASSERT_EQ(back.features, (std::vector<std::string>{"a", "b"}));
    for (std::size_t f = 0; f < 2; ++f) {
        EXPECT_EQ(back.inputs[f].edges, ref.inputs[f].edges);
        EXPECT_NEAR(back.inputs[f].missing_share, ref.inputs[f].missing_share, 1e-9);
    }
    EXPECT_EQ(back.score.edges, ref.score.edges);
    std::ofstream(path) << "{\"inputs\": [{\"feature\": \"a\"}]}";
    EXPECT_THROW((void)read_drift_reference(path), ModelLoadError);
}

TEST(DriftReference, CalibrationIntervalsAreWilsonIntervals) {
    const std::vector<CalibrationBucket> buckets = {{0.0, 0.01, 1000, 0.005, 0.004}, {0.01, 1.0, 10, 0.05, 0.0}};
    const auto table = calibration_intervals(buckets);
    // n = 1000, p = 0.004: Wilson 95% is about [0.0016, 0.0102].
    EXPECT_NEAR(table[0].low, 0.00156, 0.0002);
    EXPECT_NEAR(table[0].high, 0.0102, 0.0005);
    // No clicks in 10 rows: the interval still has width (upper ≈ 0.28).
    EXPECT_EQ(table[1].low, 0.0);
    EXPECT_NEAR(table[1].high, 0.278, 0.005);
    EXPECT_EQ(interval_for(table, 0.002), &table[0]);
    EXPECT_EQ(interval_for(table, 0.5), &table[1]);
    EXPECT_EQ(interval_for(table, 2.0), &table[1]);
}

}  // namespace
}  // namespace bidline::models
