// FTRL-Proximal online logistic regression on hashed features (McMahan et
// al., KDD 2013, "Ad Click Prediction: a View from the Trenches", Algorithm
// 1): per-coordinate learning rates (alpha, beta), L1 (lambda1) for exact
// zeros, L2 (lambda2). It learns click-through from the feed as it arrives,
// between the daily GBDT retrains, and new line items and sites quickly.
//
// Threads and lifecycle:
// - FtrlLearner lives on the control thread only (mutable, not
//   thread-safe): update() per labelled impression, snapshot() per tick,
//   save()/load() at intervals and at start-up.
// - FtrlSnapshot is immutable after construction; publish it by pointer
//   swap (shared_ptr<const FtrlSnapshot>) and any number of bid-path threads
//   call predict() concurrently: no allocation, no locks, no exceptions.
//
// Features are (hash, value) pairs; a coordinate is hash & (2^hash_bits − 1).
// encode_ftrl_features() builds them from FeatureBuilder's row (the same
// hashed ids the trees see, so no second definition of a feature), plus a
// bias and crosses such as line item × site and line item × hour of day.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "bidline/models/feature_builder.h"

namespace bidline::models {

struct HashedFeature {
    std::uint64_t hash = 0;  // FNV-1a of the feature's name and value (ftrl_feature_hash)
    float value = 1.0f;      // 1 for a categorical feature
};

struct FtrlConfig {
    double alpha = 0.05;      // learning-rate scale
    double beta = 1.0;        // learning-rate smoothing: rate_i = alpha / (beta + sqrt(sum of g_i^2))
    double lambda1 = 1.0;     // L1: a coordinate whose |z| stays below it weighs exactly 0
    double lambda2 = 1.0;     // L2
    unsigned hash_bits = 20;  // 2^hash_bits coordinates (10..28)
};

class FtrlSnapshot;

// The learner's state is z and n per coordinate (doubles: z sums millions of
// small steps); w is derived from them on demand.
class FtrlLearner {
public:
    explicit FtrlLearner(const FtrlConfig& config);  // throws std::invalid_argument on a bad config

    // P(click) with the current weights; equal to snapshot().predict().
    [[nodiscard]] double predict(std::span<const HashedFeature> features) const noexcept;
    // One labelled row (label 1 = clicked, 0 = not; values in between are
    // soft labels). Returns the prediction made before learning from it
    // (progressive validation: an honest out-of-sample estimate).
    double update(std::span<const HashedFeature> features, double label) noexcept;

    // Materialises w for the bid path: a flat array of 2^hash_bits floats.
    [[nodiscard]] FtrlSnapshot snapshot() const;

    // Versioned binary file (magic, version, config, feature-encoding version,
    // the touched coordinates, FNV-1a checksum), written to a temporary file
    // and renamed so a crash leaves the previous file whole. load() throws
    // ModelLoadError naming the file and the problem; save() throws
    // std::runtime_error when the file cannot be written.
    void save(const std::filesystem::path& file) const;
    [[nodiscard]] static FtrlLearner load(const std::filesystem::path& file);

    [[nodiscard]] const FtrlConfig& config() const noexcept { return config_; }
    [[nodiscard]] std::uint64_t rows_seen() const noexcept { return rows_seen_; }
    // Weight of one coordinate (the bucket of `hash`), as predict() uses it.
    [[nodiscard]] float weight(std::uint64_t hash) const noexcept { return weight_at(hash & mask_); }

private:
    struct Coordinate {
        double z = 0;
        double n = 0;  // sum of squared gradients
    };
    [[nodiscard]] float weight_at(std::size_t i) const noexcept;

    FtrlConfig config_;
    std::uint64_t mask_ = 0;
    std::uint64_t rows_seen_ = 0;
    std::vector<Coordinate> coords_;
};

class FtrlSnapshot {
public:
    FtrlSnapshot(std::vector<float> weights, std::uint64_t rows_seen);

    [[nodiscard]] double predict(std::span<const HashedFeature> features) const noexcept;
    [[nodiscard]] double margin(std::span<const HashedFeature> features) const noexcept;

    [[nodiscard]] float weight(std::uint64_t hash) const noexcept { return weights_[hash & mask_]; }
    [[nodiscard]] std::size_t nonzero_weights() const noexcept { return nonzero_; }
    [[nodiscard]] std::size_t size() const noexcept { return weights_.size(); }
    [[nodiscard]] std::uint64_t rows_seen() const noexcept { return rows_seen_; }

private:
    std::vector<float> weights_;
    std::uint64_t mask_ = 0;
    std::size_t nonzero_ = 0;
    std::uint64_t rows_seen_ = 0;
};

// The margin → probability map of both classes; margins are clamped to ±35.
[[nodiscard]] double ftrl_sigmoid(double margin) noexcept;

// ---- Features -----------------------------------------------------------

// Bump when encode_ftrl_features() changes which features it emits or how it
// hashes them: a saved learner trained under another encoding is refused.
inline constexpr std::uint32_t kFtrlFeatureEncodingVersion = 1;

// Upper bound of what encode_ftrl_features() emits (bias + slots + crosses).
inline constexpr std::size_t kMaxFtrlFeatures = 32;

// A row's features in a fixed buffer: no allocation on the bid path.
struct FtrlFeatures {
    std::array<HashedFeature, kMaxFtrlFeatures> items{};
    std::size_t count = 0;
    [[nodiscard]] std::span<const HashedFeature> view() const noexcept { return {items.data(), count}; }
};

// Hash of feature `field` taking `value` (a FeatureBuilder slot value: a
// small code or a hashed bucket, exact integers in a float), with the
// project's FNV-1a (config/stable_hash.h) over the little-endian bytes.
// Crosses hash two (field, value) pairs in one pass.
[[nodiscard]] std::uint64_t ftrl_feature_hash(std::uint32_t field, float value) noexcept;
[[nodiscard]] std::uint64_t ftrl_cross_hash(std::uint32_t cross, float a, float b) noexcept;

// One-hot features of a FeatureBuilder row: a bias; every categorical slot
// (time, device, OS, browser, geo, site/app, publisher, format, size,
// position, line item, creative); floor CPM and recency in log2 buckets;
// crosses line item × site, line item × hour of day, line item × device
// type, creative × site. NaN slots (unknown) emit nothing. hist_* slots are
// not used: FTRL learns line item × site itself from the same outcomes.
void encode_ftrl_features(std::span<const float, kFeatureCount> row, FtrlFeatures& out) noexcept;
void encode_ftrl_features(const FeatureContext& context, FtrlFeatures& out) noexcept;

// ---- Blending with the tree model ----------------------------------------

// logit(p) = (1 − w)·logit(p_tree) + w·logit(p_ftrl), probabilities clamped
// to [1e-7, 1 − 1e-7]; w is clamped to [0, 1]. A NaN p_tree (no tree model,
// or none that knows this line item) gives p_ftrl; a NaN p_ftrl gives p_tree.
[[nodiscard]] double blend_ctr(double p_tree, double p_ftrl, double ftrl_weight) noexcept;

// Cold start: FTRL's share grows with what it has seen of the line item,
// max_weight · n / (n + half_weight_impressions). A brand-new line item is
// scored by the trees (which generalise from similar sites and formats);
// once FTRL has seen its own impressions, FTRL takes up to max_weight.
struct FtrlBlendPolicy {
    double max_weight = 0.5;
    double half_weight_impressions = 2000;
};
[[nodiscard]] double ftrl_blend_weight(const FtrlBlendPolicy& policy, double line_item_impressions) noexcept;
// blend_ctr with ftrl_blend_weight: the one call the bid path makes.
[[nodiscard]] double blended_ctr(const FtrlBlendPolicy& policy, double p_tree, double p_ftrl,
                                 double line_item_impressions) noexcept;

}  // namespace bidline::models
