// The plain, obviously-correct GBDT evaluator: walks each tree's nodes from
// the root the way XGBoost 1.7 does (value < threshold goes left, NaN goes
// the node's default way), sums leaf values in float in tree order starting
// from the base margin, then applies the objective. Tests and benchmarks
// hold FlatGbdt to it; it is not meant for the bid path.
//
// Immutable; any number of threads may evaluate concurrently.
#pragma once

#include <cstddef>
#include <utility>

#include "bidline/models/gbdt_ensemble.h"

namespace bidline::models {

class ReferenceGbdt {
public:
    explicit ReferenceGbdt(GbdtEnsemble ensemble) : ensemble_(std::move(ensemble)) {}

    [[nodiscard]] std::size_t num_features() const { return ensemble_.num_features; }
    [[nodiscard]] const GbdtEnsemble& ensemble() const { return ensemble_; }

    // `row` holds num_features() floats; NaN means missing.
    [[nodiscard]] float margin(const float* row) const;
    [[nodiscard]] float predict(const float* row) const;
    // Row i starts at rows + i * stride (stride in floats).
    void predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out) const;

private:
    GbdtEnsemble ensemble_;
};

}  // namespace bidline::models
