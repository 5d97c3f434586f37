// First-price shading: the censored log-normal market model recovers a
// known market from wins, losses and min-to-win; ignoring censored losses
// is measurably biased; the shaded bid is the argmax of expected surplus.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bidline/pacing/shading_model.h"

namespace bidline {
namespace {

constexpr double kMu = 0.2, kSigma = 0.5;  // the true market: ln CPM ~ N(0.2, 0.5²)

double true_win_probability(double bid) { return 0.5 * std::erfc(-(std::log(bid) - kMu) / kSigma / std::sqrt(2.0)); }

double surplus(const MarketPriceFit& f, double v, double b) { return (v - b) * win_probability(f, b); }

TEST(ShadingModel, LearnsTheWinRateOfAKnownLogNormalMarketFromFirstPriceOutcomes) {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> z(0.0, 1.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    MarketPriceObservations obs;
    for (int i = 0; i < 20000; ++i) {
        const double bid = std::exp(kMu + 0.6 * z(rng));
        const double market = std::exp(kMu + kSigma * z(rng));
        if (bid > market)
            obs.won(bid);  // first price: only "market < bid"
        else if (u(rng) < 0.5)
            obs.priced(market);  // loss notice with min-to-win
        else
            obs.lost(bid);  // loss notice without it
    }
    const MarketPriceFit fit = obs.fit({}, 300);
    ASSERT_TRUE(fit.ready);
    EXPECT_NEAR(fit.mu, kMu, 0.03);
    EXPECT_NEAR(fit.sigma, kSigma, 0.03);
    for (double bid : {0.4, 0.8, 1.2, 2.0, 4.0})
        EXPECT_NEAR(win_probability(fit, bid), true_win_probability(bid), 0.015) << bid;
}

TEST(ShadingModel, IgnoringCensoredLossesBiasesTheMarketDownCensoringCorrectsIt) {
    // Second price, no min-to-win: wins reveal the price, losses only that it
    // was above our bid. A fit of the winning prices alone sees only the
    // cheap half of the market.
    std::mt19937_64 rng(7);
    std::normal_distribution<double> z(0.0, 1.0);
    MarketPriceObservations censored, naive;
    for (int i = 0; i < 20000; ++i) {
        const double bid = std::exp(kMu + 0.2 * z(rng));
        const double market = std::exp(kMu + kSigma * z(rng));
        if (bid > market) {
            censored.priced(market);
            naive.priced(market);
        } else {
            censored.lost(bid);
        }
    }
    const MarketPriceFit good = censored.fit({}, 300), bad = naive.fit({}, 300);
    ASSERT_TRUE(good.ready);
    ASSERT_TRUE(bad.ready);
    EXPECT_NEAR(good.mu, kMu, 0.03);
    EXPECT_NEAR(good.sigma, kSigma, 0.04);
    EXPECT_LT(bad.mu, kMu - 0.3);  // truncated at the bid: μ − σ·φ(0)/Φ(0) ≈ μ − 0.4
    for (double bid : {1.0, 1.5, 2.5}) EXPECT_NEAR(win_probability(good, bid), true_win_probability(bid), 0.02) << bid;
    for (double bid : {1.0, 1.5})  // overestimates the chance of winning
        EXPECT_GT(win_probability(bad, bid) - true_win_probability(bid), 0.15) << bid;
    // The naive model therefore shades too deep and gives away auctions.
    const double value = 3.0, truth_surplus_good = (value - shaded_bid_cpm(good, value, 0)) *
                                                   true_win_probability(shaded_bid_cpm(good, value, 0));
    const double truth_surplus_bad =
        (value - shaded_bid_cpm(bad, value, 0)) * true_win_probability(shaded_bid_cpm(bad, value, 0));
    EXPECT_LT(shaded_bid_cpm(bad, value, 0), shaded_bid_cpm(good, value, 0));
    EXPECT_GT(truth_surplus_good, truth_surplus_bad * 1.02);
}

TEST(ShadingModel, ShadedBidIsTheArgmaxOfExpectedSurplus) {
    for (float mu : {-1.0f, 0.0f, 0.7f})
        for (float sigma : {0.2f, 0.5f, 1.2f})
            for (double value : {0.3, 1.0, 3.0, 12.0})
                for (double floor : {0.0, 0.25, 0.9}) {
                    const MarketPriceFit f{mu, sigma, true};
                    const double fast = shaded_bid_cpm(f, value, floor);
                    const double brute = brute_force_shaded_bid_cpm(f, value, floor, 200000);
                    if (value <= floor) {
                        EXPECT_EQ(fast, value);
                        continue;
                    }
                    EXPECT_GE(fast, std::max(floor, kMinShadeFactor * value) - 1e-12);
                    EXPECT_LE(fast, value);
                    EXPECT_NEAR(fast, brute, 1e-3 * value) << mu << ' ' << sigma << ' ' << value << ' ' << floor;
                    EXPECT_GE(surplus(f, value, fast), surplus(f, value, brute) - 1e-8 * value);
                }
}

TEST(ShadingModel, ShadesByTheExpectedAmountOnAKnownMarket) {
    // v = 3 CPM against ln m ~ N(0.2, 0.5²): the first-order condition
    // v − b = Φ(z)·σ·b / φ(z) holds at the shaded bid.
    const MarketPriceFit f{static_cast<float>(kMu), static_cast<float>(kSigma), true};
    const double b = shaded_bid_cpm(f, 3.0, 0.0);
    const double zb = (std::log(b) - kMu) / kSigma;
    const double pdf = std::exp(-0.5 * zb * zb) / std::sqrt(2 * M_PI);
    EXPECT_NEAR(3.0 - b, true_win_probability(b) * kSigma * b / pdf, 1e-3);
    EXPECT_GT(b, 1.2);
    EXPECT_LT(b, 2.4);
}

TEST(ShadingModel, UnreadyFitsDoNotShade) {
    EXPECT_EQ(shaded_bid_cpm(MarketPriceFit{}, 2.5, 0.1), 2.5);
    MarketPriceObservations few;
    for (int i = 0; i < 10; ++i) few.won(1.0);
    EXPECT_FALSE(few.fittable());
    EXPECT_FALSE(few.fit({}, 10).ready);
    // Only losses without a price: nothing bounds the market from above.
    MarketPriceObservations one_sided;
    for (int i = 0; i < 500; ++i) one_sided.lost(1.0);
    EXPECT_FALSE(one_sided.fittable());
}

TEST(ShadingModel, BucketsWithoutDataFallBackToThePooledFit) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> z(0.0, 1.0);
    ShadingModel model;
    const std::uint8_t busy = 17, quiet = 200;
    for (int i = 0; i < 2000; ++i) {
        const double bid = std::exp(kMu + 0.5 * z(rng)), market = std::exp(kMu + kSigma * z(rng));
        if (bid > market)
            model.won(busy, bid);
        else
            model.priced(busy, market);
    }
    model.won(quiet, 1.0);
    model.refit(200);
    EXPECT_EQ(model.buckets_learned(), 1);
    ASSERT_TRUE(model.fit_for(busy).ready);
    EXPECT_NEAR(model.fit_for(busy).mu, kMu, 0.05);
    const MarketPriceFit q = model.fit_for(quiet);  // its own data is too thin: the pool's fit
    ASSERT_TRUE(q.ready);
    EXPECT_EQ(q.mu, model.pooled().mu);
    EXPECT_FALSE(ShadingModel{}.fit_for(busy).ready);
}

TEST(ShadingModel, OldObservationsFadeSoTheModelFollowsAMovingMarket) {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> z(0.0, 1.0);
    ShadingModel model;
    model.memory = 2000;
    for (double mu : {0.0, 0.8}) {
        for (int i = 0; i < 8000; ++i) {
            model.priced(5, std::exp(mu + 0.4 * z(rng)));
            if (i % 100 == 99) model.refit(20);
        }
    }
    EXPECT_NEAR(model.fit_for(5).mu, 0.8, 0.05);
}

TEST(ShadingModel, ContextBucketsSeparateFloorSizeAndSite) {
    const auto a = shading_context(0.0, MediaType::banner, 300, 250, "site1.example.com");
    EXPECT_EQ(a, shading_context(0.0, MediaType::banner, 300, 250, "site1.example.com"));
    EXPECT_NE(a, shading_context(1.0, MediaType::banner, 300, 250, "site1.example.com"));
    EXPECT_NE(a, shading_context(0.0, MediaType::banner, 728, 90, "site1.example.com"));
    EXPECT_NE(a, shading_context(0.0, MediaType::video, 300, 250, "site1.example.com"));
    int distinct = 0;
    std::array<bool, kShadingContexts> seen{};
    for (int s = 0; s < 40; ++s) {
        const auto c = shading_context(0.0, MediaType::banner, 300, 250, "site" + std::to_string(s) + ".example.com");
        distinct += !seen[c];
        seen[c] = true;
    }
    EXPECT_GE(distinct, 6);  // 40 sites spread over the 8 site buckets
}

}  // namespace
}  // namespace bidline
