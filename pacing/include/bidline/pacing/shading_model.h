// First-price bid shading. In a first-price auction the winner pays its own
// bid, so bidding the full value v leaves no surplus. Per line item and
// context bucket we learn the distribution of the market price (the highest
// competing bid) and bid b* = argmax_{b ∈ [floor, v]} (v − b) · P(win | b)
// (expected surplus; Zhang, Yuan & Wang, "Optimal real-time bidding for
// display advertising", KDD 2014, and Gligorijevic et al., "Bid shading in
// the brave new world of first-price auctions", CIKM 2020).
//
// Market model: log-normal per bucket, P(win | b) = Φ((ln b − μ) / σ),
// fitted from censored observations as in Wu, Yeh & Chen, "Predicting
// winning price in real time bidding with censored data" (KDD 2015):
//   a first-price win at b      market < b          (left-censored)
//   a loss with min-to-win m    market = m          (exact; OpenRTB 2.6)
//   a second-price win paying p market = p          (exact)
//   a loss without min-to-win   market ≥ b          (right-censored)
// Ignoring the censored losses biases the price down (we only see the cheap
// impressions we won); the fit is the maximum-likelihood estimate by EM for
// the censored normal on ln price (tests/pacing/shading_model_test.cc shows
// the bias of the naive fit).
//
// Threads: MarketPriceObservations and ShadingModel belong to the control
// thread. MarketPriceFit is a plain value published to the shards;
// win_probability / shaded_bid_cpm / shading_context run on the bid path:
// no allocation, no locks, no exceptions.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bidline/config/campaign_model.h"

namespace bidline {

// Log-normal market price of one bucket: ln(CPM) ~ N(mu, sigma²).
struct MarketPriceFit {
    float mu = 0.0f;
    float sigma = 0.0f;
    bool ready = false;  // false: too few observations; do not shade
};

// P(market < bid): the probability that a bid of `bid_cpm` wins.
double win_probability(const MarketPriceFit& fit, double bid_cpm) noexcept;

// The bid maximising (v − b) · P(win | b) over b ∈ [max(floor, kMinShadeFactor·v), v]
// by golden-section search ((v − b)·Φ(ln b) is log-concave in b, hence
// unimodal). Returns `value_cpm` unchanged when the fit is not ready or the
// value is not above the lower bound.
inline constexpr double kMinShadeFactor = 0.05;
double shaded_bid_cpm(const MarketPriceFit& fit, double value_cpm, double floor_cpm) noexcept;
// Reference: the argmax over a grid of `steps` bids on the same interval.
double brute_force_shaded_bid_cpm(const MarketPriceFit& fit, double value_cpm, double floor_cpm, int steps);

// Context bucket of an impression: floor band (4) × size/format (8) ×
// domain-or-bundle hash (8) = 256 buckets, small enough that each fills
// within hours on a line item's traffic.
inline constexpr int kShadingContexts = 256;
std::uint8_t shading_context(double floor_cpm, MediaType format, std::uint16_t w, std::uint16_t h,
                             std::string_view domain_or_bundle) noexcept;

// One bucket's observations. Exact prices keep their sufficient statistics;
// censored ones are binned by threshold (ln CPM in [-5, 5], bins of 0.2,
// each bin remembering the mean threshold it holds).
class MarketPriceObservations {
public:
    static constexpr int kBins = 50;
    static constexpr double kLogMin = -5.0, kBinWidth = 0.2;

    void priced(double market_cpm);  // exact
    void won(double bid_cpm);        // market < bid
    void lost(double bid_cpm);       // market ≥ bid
    // Halves every count: old observations fade once a bucket holds `cap`.
    void decay_above(double cap);

    double exact_count() const { return n_exact_; }
    double below_count() const;  // left-censored
    double above_count() const;  // right-censored
    double total() const { return n_exact_ + below_count() + above_count(); }

    // Enough evidence on both sides of the price to fit μ and σ.
    bool fittable() const;
    // EM for the censored normal on ln price, starting from `start` when it
    // is ready (warm start on refits), else from the data's moments.
    MarketPriceFit fit(const MarketPriceFit& start, int iterations) const;
    // Adds this bucket's counts into `pooled`.
    void add_to(MarketPriceObservations& pooled) const;

    static constexpr double kMinTotal = 40, kMinEachSide = 8;

private:
    static int bin_of(double log_price);
    double n_exact_ = 0, sum_ = 0, sum_sq_ = 0;         // exact ln prices
    std::array<float, kBins> below_n_{}, below_sum_{};  // left-censored: count, Σ ln threshold
    std::array<float, kBins> above_n_{}, above_sum_{};  // right-censored
};

// Per line item: 256 context buckets (allocated when first observed) and a
// pooled fit of all of them, used for buckets that are not fittable yet.
// Control thread only.
class ShadingModel {
public:
    ShadingModel();
    ~ShadingModel();
    ShadingModel(ShadingModel&&) noexcept;
    ShadingModel& operator=(ShadingModel&&) noexcept;

    void priced(std::uint8_t context, double market_cpm);
    void won(std::uint8_t context, double bid_cpm);
    void lost(std::uint8_t context, double bid_cpm);

    // Refits the buckets observed since the last refit (and the pool).
    void refit(int iterations = 8);
    // The bucket's own fit if ready, else the pooled fit if ready, else not ready.
    MarketPriceFit fit_for(std::uint8_t context) const;
    int buckets_learned() const;  // buckets with their own ready fit
    const MarketPriceFit& pooled() const { return pooled_fit_; }

    // Observations kept per bucket before old ones fade (halved).
    double memory = 4000;

private:
    MarketPriceObservations& bucket(std::uint8_t context);
    std::array<std::unique_ptr<MarketPriceObservations>, kShadingContexts> buckets_;
    std::array<MarketPriceFit, kShadingContexts> fits_{};
    std::array<bool, kShadingContexts> dirty_{};
    MarketPriceFit pooled_fit_;
    bool any_dirty_ = false;
};

}  // namespace bidline
