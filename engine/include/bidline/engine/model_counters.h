// What the bid path's scoring did, per shard (single writer, like
// ShardCounters): rows scored and the sum of predictions per model role and
// slot (active / candidate), bids placed on each, candidates that fell back
// to conservative bidding for want of a fresh model, scoring latency, and
// sampled input and score histograms in the bins of the active click
// model's training reference (drift). The control thread sums the shards
// and attributes the deltas to the versions that were live.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "bidline/engine/model_set.h"
#include "bidline/engine/shard_counters.h"
#include "bidline/models/drift_reference.h"
#include "bidline/models/feature_builder.h"

namespace bidline {

// pCTR buckets for live calibration: a quarter decade each from 1e-5 to 1;
// bucket 0 = not scored. Bids carry their bucket to the control thread.
inline constexpr std::uint8_t kScoreBuckets = 21;
inline std::uint8_t score_bucket(double p) {
    if (!(p > 0)) return 1;
    const int b = 1 + static_cast<int>(std::floor((std::log10(p) + 5.0) * 4.0));
    return static_cast<std::uint8_t>(b < 1 ? 1 : (b >= kScoreBuckets ? kScoreBuckets - 1 : b));
}
// The geometric middle of a bucket (its "predicted" rate).
inline double score_bucket_mid(std::uint8_t b) { return std::pow(10.0, (b - 1 + 0.5) / 4.0 - 5.0); }

struct ModelSlotCounters {
    Counter rows{};              // rows scored
    Counter prediction_micros{}; // Σ prediction × 1e6
    Counter bids{};              // bids placed with this slot's prediction
};

inline constexpr std::size_t kDriftRows = models::kFeatureCount + 1;  // the inputs, then the score
inline constexpr std::size_t kDriftBins = models::kMaxDriftBins + 1;  // present bins, then missing

struct alignas(kCacheLine) ModelCounters {
    std::array<std::array<ModelSlotCounters, 2>, kModelRoles> slots{};  // [role][0 active, 1 candidate]
    Counter stale{};     // candidates bid without a model: the active one was stale
    Counter unscored{};  // candidates whose strategy needs a model, with none configured
    Counter online_rows{};  // candidates the online learners scored (blended or alone)
    LatencyHistogram latency;  // one scoring batch (all roles), ns
    Counter batches{};
    // Sampled rows in the active click model's reference bins.
    std::array<std::array<Counter, kDriftBins>, kDriftRows> drift{};
    Counter drift_rows{};
    Counter drift_generation{};  // the ModelSet generation the bins refer to
};

}  // namespace bidline
