#include "bidline/pacing/shading_model.h"

#include "bidline/config/stable_hash.h"

#include <algorithm>
#include <cmath>

namespace bidline {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

double normal_cdf(double z) noexcept { return 0.5 * std::erfc(-z * kInvSqrt2); }

// Inverse Mills ratio φ(a) / (1 − Φ(a)): the mean shift of a normal
// truncated to [a, ∞). Far in the tail it tends to a (erfc underflows).
double mills(double a) noexcept {
    if (a > 30) return a + 1.0 / a;
    const double tail = 0.5 * std::erfc(a * kInvSqrt2);
    return kInvSqrt2Pi * std::exp(-0.5 * a * a) / tail;
}

double log_or_floor(double cpm) { return std::log(std::max(cpm, 1e-6)); }

}  // namespace

double win_probability(const MarketPriceFit& fit, double bid_cpm) noexcept {
    if (bid_cpm <= 0) return 0.0;
    return normal_cdf((std::log(bid_cpm) - fit.mu) / fit.sigma);
}

double shaded_bid_cpm(const MarketPriceFit& fit, double value_cpm, double floor_cpm) noexcept {
    if (!fit.ready || !(value_cpm > 0) || !(fit.sigma > 0)) return value_cpm;
    double lo = std::max(floor_cpm, kMinShadeFactor * value_cpm);
    double hi = value_cpm;
    if (!(lo < hi)) return value_cpm;
    const double lower = lo;
    auto surplus = [&](double b) { return (value_cpm - b) * win_probability(fit, b); };
    // Golden section: 28 steps shrink the interval to 1.4e-6 of its width.
    constexpr double kInvPhi = 0.61803398874989484820;
    double x1 = hi - kInvPhi * (hi - lo), x2 = lo + kInvPhi * (hi - lo);
    double f1 = surplus(x1), f2 = surplus(x2);
    for (int i = 0; i < 28; ++i) {
        if (f1 < f2) {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + kInvPhi * (hi - lo);
            f2 = surplus(x2);
        } else {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - kInvPhi * (hi - lo);
            f1 = surplus(x1);
        }
    }
    // The optimum may sit on the lower bound (the floor), which the search
    // only approaches.
    const double best = f1 < f2 ? x2 : x1;
    return surplus(lower) >= std::max(f1, f2) ? lower : best;
}

double brute_force_shaded_bid_cpm(const MarketPriceFit& fit, double value_cpm, double floor_cpm, int steps) {
    if (!fit.ready || !(value_cpm > 0)) return value_cpm;
    const double lo = std::max(floor_cpm, kMinShadeFactor * value_cpm);
    if (!(lo < value_cpm)) return value_cpm;
    double best = value_cpm, best_surplus = -1;
    for (int i = 0; i <= steps; ++i) {
        const double b = lo + (value_cpm - lo) * i / steps;
        const double s = (value_cpm - b) * win_probability(fit, b);
        if (s > best_surplus) best_surplus = s, best = b;
    }
    return best;
}

std::uint8_t shading_context(double floor_cpm, MediaType format, std::uint16_t w, std::uint16_t h,
                             std::string_view domain_or_bundle) noexcept {
    const int floor_band = floor_cpm <= 0 ? 0 : floor_cpm < 0.5 ? 1 : floor_cpm < 2.0 ? 2 : 3;
    int size = 5;  // another banner size
    switch (format) {
        case MediaType::banner:
            if (w == 300 && h == 250)
                size = 0;
            else if (w == 728 && h == 90)
                size = 1;
            else if (w == 320 && h == 50)
                size = 2;
            else if (w == 160 && h == 600)
                size = 3;
            else if (w == 300 && h == 600)
                size = 4;
            break;
        case MediaType::video:
            size = 6;
            break;
        case MediaType::native:
        case MediaType::audio:
            size = 7;
            break;
    }
    const std::uint64_t hash = fnv1a(domain_or_bundle);
    const int site = static_cast<int>((hash ^ (hash >> 29)) & 7);
    return static_cast<std::uint8_t>(floor_band * 64 + size * 8 + site);
}

int MarketPriceObservations::bin_of(double log_price) {
    return std::clamp(static_cast<int>(std::floor((log_price - kLogMin) / kBinWidth)), 0, kBins - 1);
}

void MarketPriceObservations::priced(double market_cpm) {
    const double x = log_or_floor(market_cpm);
    n_exact_ += 1;
    sum_ += x;
    sum_sq_ += x * x;
}

void MarketPriceObservations::won(double bid_cpm) {
    const double c = log_or_floor(bid_cpm);
    const int k = bin_of(c);
    below_n_[k] += 1;
    below_sum_[k] += static_cast<float>(c);
}

void MarketPriceObservations::lost(double bid_cpm) {
    const double c = log_or_floor(bid_cpm);
    const int k = bin_of(c);
    above_n_[k] += 1;
    above_sum_[k] += static_cast<float>(c);
}

void MarketPriceObservations::decay_above(double cap) {
    if (total() <= cap) return;
    n_exact_ *= 0.5;
    sum_ *= 0.5;
    sum_sq_ *= 0.5;
    for (auto* a : {&below_n_, &below_sum_, &above_n_, &above_sum_})
        for (float& v : *a) v *= 0.5f;
}

double MarketPriceObservations::below_count() const {
    double n = 0;
    for (float v : below_n_) n += v;
    return n;
}

double MarketPriceObservations::above_count() const {
    double n = 0;
    for (float v : above_n_) n += v;
    return n;
}

bool MarketPriceObservations::fittable() const {
    return total() >= kMinTotal && n_exact_ + below_count() >= kMinEachSide && n_exact_ + above_count() >= kMinEachSide;
}

MarketPriceFit MarketPriceObservations::fit(const MarketPriceFit& start, int iterations) const {
    if (!fittable()) return {};
    const double n = total();
    double mu, sigma;
    if (start.ready) {
        mu = start.mu;
        sigma = start.sigma;
    } else {  // censored points at their thresholds: a rough start EM corrects
        double s1 = sum_, s2 = sum_sq_;
        for (int k = 0; k < kBins; ++k) {
            for (const auto* pair : {&below_n_, &above_n_}) {
                const auto& sums = pair == &below_n_ ? below_sum_ : above_sum_;
                if ((*pair)[k] <= 0) continue;
                const double c = sums[k] / (*pair)[k];
                s1 += (*pair)[k] * c;
                s2 += (*pair)[k] * c * c;
            }
        }
        mu = s1 / n;
        sigma = std::max(0.3, std::sqrt(std::max(0.0, s2 / n - mu * mu)));
    }
    for (int it = 0; it < iterations; ++it) {
        // E-step: censored points contribute the moments of the normal
        // truncated to their side of the threshold; M-step: match moments.
        double s1 = sum_, s2 = sum_sq_;
        const double base2 = mu * mu + sigma * sigma;
        for (int k = 0; k < kBins; ++k) {
            if (below_n_[k] > 0) {  // x < c
                const double m = below_n_[k], c = below_sum_[k] / m;
                const double r = mills(-(c - mu) / sigma);
                s1 += m * (mu - sigma * r);
                s2 += m * (base2 - sigma * r * (c + mu));
            }
            if (above_n_[k] > 0) {  // x ≥ c
                const double m = above_n_[k], c = above_sum_[k] / m;
                const double r = mills((c - mu) / sigma);
                s1 += m * (mu + sigma * r);
                s2 += m * (base2 + sigma * r * (c + mu));
            }
        }
        mu = s1 / n;
        sigma = std::clamp(std::sqrt(std::max(0.0, s2 / n - mu * mu)), 0.05, 3.0);
    }
    return MarketPriceFit{static_cast<float>(mu), static_cast<float>(sigma), std::isfinite(mu)};
}

void MarketPriceObservations::add_to(MarketPriceObservations& pooled) const {
    pooled.n_exact_ += n_exact_;
    pooled.sum_ += sum_;
    pooled.sum_sq_ += sum_sq_;
    for (int k = 0; k < kBins; ++k) {
        pooled.below_n_[k] += below_n_[k];
        pooled.below_sum_[k] += below_sum_[k];
        pooled.above_n_[k] += above_n_[k];
        pooled.above_sum_[k] += above_sum_[k];
    }
}

ShadingModel::ShadingModel() = default;
ShadingModel::~ShadingModel() = default;
ShadingModel::ShadingModel(ShadingModel&&) noexcept = default;
ShadingModel& ShadingModel::operator=(ShadingModel&&) noexcept = default;

MarketPriceObservations& ShadingModel::bucket(std::uint8_t context) {
    auto& b = buckets_[context];
    if (!b) b = std::make_unique<MarketPriceObservations>();
    dirty_[context] = true;
    any_dirty_ = true;
    return *b;
}

void ShadingModel::priced(std::uint8_t context, double market_cpm) { bucket(context).priced(market_cpm); }
void ShadingModel::won(std::uint8_t context, double bid_cpm) { bucket(context).won(bid_cpm); }
void ShadingModel::lost(std::uint8_t context, double bid_cpm) { bucket(context).lost(bid_cpm); }

void ShadingModel::refit(int iterations) {
    if (!any_dirty_) return;
    MarketPriceObservations pool;
    for (int c = 0; c < kShadingContexts; ++c) {
        if (!buckets_[c]) continue;
        if (dirty_[c]) {
            buckets_[c]->decay_above(memory);
            fits_[c] = buckets_[c]->fit(fits_[c], iterations);
            dirty_[c] = false;
        }
        buckets_[c]->add_to(pool);
    }
    pooled_fit_ = pool.fit(pooled_fit_, iterations);
    any_dirty_ = false;
}

MarketPriceFit ShadingModel::fit_for(std::uint8_t context) const {
    return fits_[context].ready ? fits_[context] : pooled_fit_;
}

int ShadingModel::buckets_learned() const {
    int n = 0;
    for (const auto& f : fits_) n += f.ready;
    return n;
}

}  // namespace bidline
