// Offline quality of predictions against outcomes, as `bidline train`
// reports it on the validation rows: ROC AUC, log loss, RMSE and a
// calibration table (mean predicted vs observed per bucket of prediction).
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace bidline::models {

// Area under the ROC curve of `scores` for 0/1 `labels` (ties count half).
// NaN when there are no positives or no negatives.
[[nodiscard]] double roc_auc(std::span<const float> scores, std::span<const float> labels);
// Mean binary cross-entropy; predictions clipped to [1e-15, 1 - 1e-15].
[[nodiscard]] double log_loss(std::span<const float> probabilities, std::span<const float> labels);
[[nodiscard]] double rmse(std::span<const float> predictions, std::span<const float> targets);

struct CalibrationBucket {
    double lower = 0, upper = 0;  // prediction range of the bucket
    std::size_t count = 0;
    double mean_predicted = 0;
    double mean_observed = 0;
};

// Equal-count buckets by sorted prediction (deciles for buckets = 10):
// probabilities bunch near 0, equal-width buckets would leave most empty.
[[nodiscard]] std::vector<CalibrationBucket> calibration_table(std::span<const float> predictions,
                                                               std::span<const float> labels, std::size_t buckets);

}  // namespace bidline::models
