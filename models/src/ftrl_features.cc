// FeatureBuilder row → FTRL's one-hot hashed features, and the logit-space
// blend with the tree model.
#include <algorithm>
#include <bit>
#include <cmath>

#include "bidline/config/stable_hash.h"
#include "bidline/models/ftrl.h"

namespace bidline::models {
namespace {

// Field ids beyond the row's slot indices (0..kFeatureCount−1).
constexpr std::uint32_t kBiasField = 100;
enum class Cross : std::uint32_t { size, line_item_x_site, line_item_x_hour, line_item_x_device, creative_x_site };
constexpr unsigned char kSingleTag = 1, kCrossTag = 2;  // singles and crosses never share a hash

std::uint64_t add_u32(std::uint64_t h, std::uint32_t v) noexcept {
    const char bytes[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                           static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 24) & 0xff)};
    return fnv1a_continue(h, std::string_view(bytes, 4));  // little-endian on any host
}

std::uint64_t add_tag(std::uint64_t h, unsigned char tag) noexcept {
    const char byte = static_cast<char>(tag);
    return fnv1a_continue(h, std::string_view(&byte, 1));
}

float slot(std::span<const float, kFeatureCount> row, Feature f) { return row[static_cast<std::size_t>(f)]; }

// Floor CPM: 0 = no floor; else half-octave buckets from 1/1024 CPM up.
float floor_bucket(float cpm) {
    if (std::isnan(cpm)) return cpm;
    if (cpm <= 0) return 0.0f;
    return 1.0f + static_cast<float>(std::clamp(static_cast<int>(std::floor(2.0 * std::log2(cpm))) + 20, 0, 60));
}

// Recency: octaves of seconds (0, 1, 2–3, 4–7, … up to about a year).
float recency_bucket(float seconds) {
    if (std::isnan(seconds)) return seconds;
    return static_cast<float>(std::clamp(static_cast<int>(std::floor(std::log2(1.0 + seconds))), 0, 40));
}

class Emitter {
public:
    explicit Emitter(FtrlFeatures& out) : out_(out) { out_.count = 0; }
    void single(std::uint32_t field, float value) {
        if (!std::isnan(value)) push(ftrl_feature_hash(field, value));
    }
    void single(Feature f, float value) { single(static_cast<std::uint32_t>(f), value); }
    void cross(Cross c, float a, float b) {
        if (!std::isnan(a) && !std::isnan(b)) push(ftrl_cross_hash(static_cast<std::uint32_t>(c), a, b));
    }

private:
    void push(std::uint64_t hash) {
        if (out_.count < out_.items.size()) out_.items[out_.count++] = HashedFeature{hash, 1.0f};
    }
    FtrlFeatures& out_;
};

}  // namespace

std::uint64_t ftrl_feature_hash(std::uint32_t field, float value) noexcept {
    std::uint64_t h = add_tag(kFnv1aOffset, kSingleTag);
    h = add_u32(h, field);
    return add_u32(h, std::bit_cast<std::uint32_t>(value));
}

std::uint64_t ftrl_cross_hash(std::uint32_t cross, float a, float b) noexcept {
    std::uint64_t h = add_tag(kFnv1aOffset, kCrossTag);
    h = add_u32(h, cross);
    h = add_u32(h, std::bit_cast<std::uint32_t>(a));
    return add_u32(h, std::bit_cast<std::uint32_t>(b));
}

void encode_ftrl_features(std::span<const float, kFeatureCount> row, FtrlFeatures& out) noexcept {
    Emitter e(out);
    e.single(kBiasField, 1.0f);
    for (Feature f : {Feature::hour_of_week, Feature::day_of_week, Feature::hour_of_day, Feature::device_type,
                      Feature::os, Feature::browser, Feature::country, Feature::region_hash, Feature::is_app,
                      Feature::domain_or_bundle_hash, Feature::publisher_hash, Feature::media_format, Feature::position,
                      Feature::line_item_hash, Feature::creative_hash})
        e.single(f, slot(row, f));
    e.single(Feature::floor_cpm, floor_bucket(slot(row, Feature::floor_cpm)));
    e.single(Feature::seconds_since_last_seen, recency_bucket(slot(row, Feature::seconds_since_last_seen)));

    const float line_item = slot(row, Feature::line_item_hash);
    const float site = slot(row, Feature::domain_or_bundle_hash);
    e.cross(Cross::size, slot(row, Feature::width), slot(row, Feature::height));
    e.cross(Cross::line_item_x_site, line_item, site);
    e.cross(Cross::line_item_x_hour, line_item, slot(row, Feature::hour_of_day));
    e.cross(Cross::line_item_x_device, line_item, slot(row, Feature::device_type));
    e.cross(Cross::creative_x_site, slot(row, Feature::creative_hash), site);
}

void encode_ftrl_features(const FeatureContext& context, FtrlFeatures& out) noexcept {
    std::array<float, kFeatureCount> row;
    FeatureBuilder::build(context, row);
    encode_ftrl_features(row, out);
}

double blend_ctr(double p_tree, double p_ftrl, double ftrl_weight) noexcept {
    if (std::isnan(p_tree)) return p_ftrl;
    if (std::isnan(p_ftrl)) return p_tree;
    auto logit = [](double p) {
        p = std::clamp(p, 1e-7, 1.0 - 1e-7);  // logit(0) is −∞: keep both ends finite
        return std::log(p / (1.0 - p));
    };
    const double w = std::isnan(ftrl_weight) ? 0.0 : std::clamp(ftrl_weight, 0.0, 1.0);
    return ftrl_sigmoid((1.0 - w) * logit(p_tree) + w * logit(p_ftrl));
}

double ftrl_blend_weight(const FtrlBlendPolicy& policy, double line_item_impressions) noexcept {
    const double n = std::isfinite(line_item_impressions) ? std::max(line_item_impressions, 0.0) : 0.0;
    const double half = std::max(policy.half_weight_impressions, 1e-9);
    return std::clamp(policy.max_weight, 0.0, 1.0) * n / (n + half);
}

double blended_ctr(const FtrlBlendPolicy& policy, double p_tree, double p_ftrl, double line_item_impressions) noexcept {
    return blend_ctr(p_tree, p_ftrl, ftrl_blend_weight(policy, line_item_impressions));
}

}  // namespace bidline::models
