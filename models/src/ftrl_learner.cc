// FtrlLearner and FtrlSnapshot: Algorithm 1 of McMahan et al. (2013).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "bidline/models/ftrl.h"

namespace bidline::models {
namespace {

void check_config(const FtrlConfig& c) {
    auto positive = [](double v) { return std::isfinite(v) && v > 0; };
    auto non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
    if (!positive(c.alpha)) throw std::invalid_argument("FTRL alpha must be > 0");
    if (!non_negative(c.beta)) throw std::invalid_argument("FTRL beta must be >= 0");
    if (!non_negative(c.lambda1) || !non_negative(c.lambda2))
        throw std::invalid_argument("FTRL lambda1 and lambda2 must be >= 0");
    if (c.hash_bits < 10 || c.hash_bits > 28)
        throw std::invalid_argument("FTRL hash_bits must be in 10..28, got " + std::to_string(c.hash_bits));
}

}  // namespace

double ftrl_sigmoid(double margin) noexcept {
    const double m = std::clamp(margin, -35.0, 35.0);  // exp() stays finite; p stays inside (0, 1)
    return 1.0 / (1.0 + std::exp(-m));
}

FtrlLearner::FtrlLearner(const FtrlConfig& config) : config_(config) {
    check_config(config_);
    coords_.resize(std::size_t{1} << config_.hash_bits);
    mask_ = coords_.size() - 1;
}

// w_i = 0 if |z_i| <= λ1, else −(z_i − sgn(z_i)·λ1) / ((β + √n_i)/α + λ2).
// Rounded to float here, once, so the learner, its gradient step and the
// snapshot all use the very same weight.
float FtrlLearner::weight_at(std::size_t i) const noexcept {
    const Coordinate& c = coords_[i];
    if (std::abs(c.z) <= config_.lambda1) return 0.0f;
    const double shrunk = c.z > 0 ? c.z - config_.lambda1 : c.z + config_.lambda1;
    return static_cast<float>(-shrunk / ((config_.beta + std::sqrt(c.n)) / config_.alpha + config_.lambda2));
}

double FtrlLearner::predict(std::span<const HashedFeature> features) const noexcept {
    double margin = 0;
    for (const HashedFeature& f : features)
        margin += static_cast<double>(weight_at(f.hash & mask_)) * static_cast<double>(f.value);
    return ftrl_sigmoid(margin);
}

double FtrlLearner::update(std::span<const HashedFeature> features, double label) noexcept {
    const double p = predict(features);
    const double error = p - label;  // d(log loss)/d(margin)
    for (const HashedFeature& f : features) {
        Coordinate& c = coords_[f.hash & mask_];
        const double w = weight_at(f.hash & mask_);
        const double g = error * static_cast<double>(f.value);
        const double sigma = (std::sqrt(c.n + g * g) - std::sqrt(c.n)) / config_.alpha;
        c.z += g - sigma * w;
        c.n += g * g;
    }
    ++rows_seen_;
    return p;
}

FtrlSnapshot FtrlLearner::snapshot() const {
    std::vector<float> w(coords_.size());
    for (std::size_t i = 0; i < coords_.size(); ++i)
        if (coords_[i].n > 0) w[i] = weight_at(i);  // untouched coordinates have z = 0: weight 0
    return FtrlSnapshot(std::move(w), rows_seen_);
}

FtrlSnapshot::FtrlSnapshot(std::vector<float> weights, std::uint64_t rows_seen)
    : weights_(std::move(weights)), rows_seen_(rows_seen) {
    if (weights_.empty() || (weights_.size() & (weights_.size() - 1)) != 0)
        throw std::invalid_argument("FtrlSnapshot needs a power-of-two number of weights");
    mask_ = weights_.size() - 1;
    nonzero_ =
        static_cast<std::size_t>(std::count_if(weights_.begin(), weights_.end(), [](float v) { return v != 0.0f; }));
}

double FtrlSnapshot::margin(std::span<const HashedFeature> features) const noexcept {
    double m = 0;  // the same sum, in the same order and types, as FtrlLearner::predict
    for (const HashedFeature& f : features)
        m += static_cast<double>(weights_[f.hash & mask_]) * static_cast<double>(f.value);
    return m;
}

double FtrlSnapshot::predict(std::span<const HashedFeature> features) const noexcept {
    return ftrl_sigmoid(margin(features));
}

}  // namespace bidline::models
