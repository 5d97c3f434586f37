// What a model's inputs and scores looked like when it was trained, and how
// far live traffic has drifted from that: `bidline train` bins every feature
// slot and the validation scores into (up to) deciles of the training rows
// and writes them to reference.json beside the model; the engine counts live
// rows into the same bins and compares.
//
//   PSI = Σ (live − ref) · ln(live / ref) over the bins (missing is a bin);
//         above kPsiRetrain (0.25) the usual reading is "retrain".
//   KS  = the largest gap between the two cumulative distributions of the
//         present (non-missing) values, at the bin edges.
//
// Also the intervals /v1/predict reports: the held-out calibration table
// (metrics.json) with a Wilson 95% interval on each bucket's observed rate.
// Off the hot path except bin_of(), which is allocation-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "bidline/models/prediction_metrics.h"

namespace bidline::models {

inline constexpr double kPsiRetrain = 0.25;
inline constexpr std::size_t kMaxDriftBins = 10;  // present-value bins; +1 for missing

// One variable's training distribution. Bin i (< edges.size()) holds values
// ≤ edges[i] and above the previous edge; bin edges.size() holds the rest;
// missing (NaN) values have their own share.
struct BinnedDistribution {
    std::vector<float> edges;    // ascending, distinct, at most kMaxDriftBins - 1
    std::vector<double> shares;  // edges.size() + 1 shares of the present values, summing to 1 (or all 0)
    double missing_share = 0;    // of all values
    // Bin of `v`; bins() for NaN.
    [[nodiscard]] std::size_t bin_of(float v) const noexcept;
    [[nodiscard]] std::size_t bins() const noexcept { return shares.size(); }
};

struct DriftReference {
    std::vector<std::string> features;        // slot names, as the schema's
    std::vector<BinnedDistribution> inputs;   // one per slot
    BinnedDistribution score;                 // of the model's validation predictions
};

// `rows`: n rows of `width` floats (NaN = missing); `scores`: any number of predictions.
[[nodiscard]] BinnedDistribution bin_distribution(std::span<const float> values, std::size_t stride,
                                                  std::size_t offset, std::size_t n);
[[nodiscard]] DriftReference build_drift_reference(std::span<const float> rows, std::size_t width,
                                                   std::span<const std::string_view> names,
                                                   std::span<const float> scores);

[[nodiscard]] std::string drift_reference_json(const DriftReference& ref);
// Throws ModelLoadError naming `path`.
[[nodiscard]] DriftReference read_drift_reference(const std::filesystem::path& path);

// `live`: counts per bin, then the missing count (bins() + 1 entries).
// NaN when there are no live values.
[[nodiscard]] double population_stability_index(const BinnedDistribution& ref, std::span<const std::uint64_t> live);
[[nodiscard]] double kolmogorov_smirnov(const BinnedDistribution& ref, std::span<const std::uint64_t> live);

// A calibration bucket with a Wilson 95% interval on its observed rate:
// "when the model said p in [lower, upper], the held-out rate was
// observed, within [low, high]".
struct CalibrationInterval {
    double lower = 0, upper = 0;
    std::size_t count = 0;
    double mean_predicted = 0, observed = 0, low = 0, high = 0;
};
[[nodiscard]] std::vector<CalibrationInterval> calibration_intervals(std::span<const CalibrationBucket> buckets);
// Reads metrics.json's "calibration" table; empty when absent. Throws
// ModelLoadError for a damaged file.
[[nodiscard]] std::vector<CalibrationBucket> read_calibration(const std::filesystem::path& metrics_json);
// The bucket whose range holds p (the nearest at the ends); null when empty.
[[nodiscard]] const CalibrationInterval* interval_for(std::span<const CalibrationInterval> table, double p);

}  // namespace bidline::models
