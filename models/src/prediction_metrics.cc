#include "bidline/models/prediction_metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace bidline::models {
namespace {

std::vector<std::size_t> order_by(std::span<const float> scores) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    return order;
}

}  // namespace

double roc_auc(std::span<const float> scores, std::span<const float> labels) {
    assert(scores.size() == labels.size());
    const std::vector<std::size_t> order = order_by(scores);
    // Mann–Whitney: sum of the positives' ranks, tied scores sharing their mean rank.
    double rank_sum = 0, positives = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            if (labels[order[k]] > 0.5f) {
                rank_sum += mean_rank;
                positives += 1;
            }
        i = j;
    }
    const double negatives = static_cast<double>(order.size()) - positives;
    if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double log_loss(std::span<const float> p, std::span<const float> labels) {
    assert(p.size() == labels.size());
    if (p.empty()) return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double q = std::clamp(static_cast<double>(p[i]), 1e-15, 1.0 - 1e-15);
        sum -= labels[i] > 0.5f ? std::log(q) : std::log(1.0 - q);
    }
    return sum / static_cast<double>(p.size());
}

double rmse(std::span<const float> predictions, std::span<const float> targets) {
    assert(predictions.size() == targets.size());
    if (predictions.empty()) return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        const double d = static_cast<double>(predictions[i]) - targets[i];
        sum += d * d;
    }
    return std::sqrt(sum / static_cast<double>(predictions.size()));
}

std::vector<CalibrationBucket> calibration_table(std::span<const float> predictions, std::span<const float> labels,
                                                 std::size_t buckets) {
    assert(predictions.size() == labels.size());
    std::vector<CalibrationBucket> table;
    const std::size_t n = predictions.size();
    if (n == 0 || buckets == 0) return table;
    const std::vector<std::size_t> order = order_by(predictions);
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t first = n * b / buckets, last = n * (b + 1) / buckets;
        if (first == last) continue;
        CalibrationBucket cb;
        cb.lower = predictions[order[first]];
        cb.upper = predictions[order[last - 1]];
        cb.count = last - first;
        for (std::size_t k = first; k < last; ++k) {
            cb.mean_predicted += predictions[order[k]];
            cb.mean_observed += labels[order[k]];
        }
        cb.mean_predicted /= static_cast<double>(cb.count);
        cb.mean_observed /= static_cast<double>(cb.count);
        table.push_back(cb);
    }
    return table;
}

}  // namespace bidline::models
