// The media-mix fit recovers known truth from generated data (three years
// of weekly data). The seeds are fixed in advance — ten consecutive ones —
// and every channel of every seed must pass; none is picked for passing.
//
// ROI within 10% and share within 5 points hold at 5 channels with noise at
// 0.5% of the outcome. At 10 channels and 1% noise shares still hold to 5
// points but ROI does not hold to 10%, for any estimator: refitting β with
// the *true* adstock and saturation (an oracle) already misses by up to 25%
// on these seeds, because three years of weekly data do not carry more
// information about ten channels. Five years of daily data do, at the same
// noise: that test holds ROI to 10% at 10 channels. README.md (media-mix
// model) has the figures.
#include <gtest/gtest.h>

#include <cmath>

#include "bidline/models/mmm/media_mix_model.h"
#include "bidline/models/mmm/synthetic_media.h"

namespace bidline::mmm {
namespace {

constexpr std::uint64_t kFirstSeed = 1, kSeeds = 10;

void expect_recovered(const SyntheticMediaMix& data, const MediaMixResult& fit, double roi_tolerance) {
    ASSERT_EQ(fit.channels.size(), data.truth.size());
    for (std::size_t c = 0; c < data.truth.size(); ++c) {
        const auto& t = data.truth[c];
        const auto& e = fit.channels[c];
        SCOPED_TRACE(t.name);
        EXPECT_NEAR(e.roi / t.roi, 1.0, roi_tolerance) << "roi " << e.roi << " truth " << t.roi;
        EXPECT_NEAR(e.share, t.share, 0.05) << "share";
        EXPECT_LE(e.roi_interval.low, e.roi);
        EXPECT_GE(e.roi_interval.high, e.roi);
        EXPECT_GT(e.mroi, 0.0);
    }
}

void expect_recovered_on_every_seed(std::size_t channels, double noise, double roi_tolerance,
                                    Cadence cadence = Cadence::weekly, std::size_t periods = 156) {
    SyntheticOptions gen;
    gen.periods = periods;
    gen.cadence = cadence;
    gen.channels = channels;
    gen.noise = noise;
    MmmOptions fit_options;
    fit_options.bootstrap_draws = 50;
    if (cadence == Cadence::daily) {
        fit_options.season_period = 365.25;
        fit_options.week_period = 7;
    }
    for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        gen.seed = seed;
        const auto data = generate_media_mix(gen);
        const auto fit = fit_media_mix(data.series, fit_options);
        expect_recovered(data, fit, roi_tolerance);
        EXPECT_GT(fit.fit.r2, 0.95);
        EXPECT_GT(*fit.fit.r2_test, 0.8);
    }
}

TEST(MmmRecovery, FiveChannelsRoiWithinTenPercentOnTenSeeds) { expect_recovered_on_every_seed(5, 0.005, 0.10); }

// Measured worst channel over the ten seeds: ROI 33%, share 3.6 points.
TEST(MmmRecovery, TenChannelsSharesWithinFivePointsOnTenSeeds) { expect_recovered_on_every_seed(10, 0.01, 0.40); }

// Daily data carry what weekly data lack. Five years of days (1826) at the
// same 1% noise: every channel's ROI within 10% on all ten seeds (measured
// worst 4.8%, seed 1; shares within 0.6 points). Three years of days reach
// it only at 0.5% noise (worst 7.3%; 14% at 1%). ~1.6 s a fit on an idle core.
TEST(MmmRecovery, TenChannelsFiveYearsDailyRoiWithinTenPercentOnTenSeeds) {
    expect_recovered_on_every_seed(10, 0.01, 0.10, Cadence::daily, 1826);
}

// The daily cadence's own path (a weekday pattern in the data, the fit's
// 7-day and 365.25-day terms) on a problem small enough for the sanitizer
// passes, which leave the five-year test above out: it runs the same code
// for minutes (tests/sanitizer_labels.cmake).
TEST(MmmRecovery, ThreeChannelsTwoYearsDailyFit) {
    SyntheticOptions gen;
    gen.periods = 730;
    gen.cadence = Cadence::daily;
    gen.channels = 3;
    gen.noise = 0.01;
    gen.seed = kFirstSeed;
    MmmOptions o;
    o.bootstrap_draws = 10;
    o.season_period = 365.25;
    o.week_period = 7;
    const auto data = generate_media_mix(gen);
    const auto fit = fit_media_mix(data.series, o);
    EXPECT_GT(fit.fit.r2, 0.95);
    ASSERT_EQ(fit.channels.size(), 3u);
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(fit.channels[c].share, data.truth[c].share, 0.05);
}

TEST(MmmRecovery, WeibullAdstockAndLogisticSaturationFit) {
    SyntheticOptions gen;
    gen.channels = 3;
    gen.noise = 0.01;
    gen.adstock = AdstockKind::weibull_pdf;
    const auto data = generate_media_mix(gen);
    MmmOptions o;
    o.adstock = AdstockKind::weibull_pdf;
    o.bootstrap_draws = 20;
    const auto fit = fit_media_mix(data.series, o);
    EXPECT_GT(fit.fit.r2, 0.9);
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(fit.channels[c].share, data.truth[c].share, 0.1);
    o.adstock = AdstockKind::weibull_cdf;
    o.saturation = SaturationKind::logistic;
    EXPECT_GT(fit_media_mix(data.series, o).fit.r2, 0.8);
}

TEST(MmmRecovery, RejectsTooShortSeries) {
    SyntheticOptions gen;
    gen.periods = 12;
    gen.channels = 5;
    EXPECT_THROW(fit_media_mix(generate_media_mix(gen).series, MmmOptions{}), std::invalid_argument);
}

TEST(Adstock, WeightsSumToOneAndWeibullPdfPeaksLate) {
    Adstock a;
    a.kind = AdstockKind::weibull_pdf;
    a.shape = 3;
    a.scale = 3;
    const auto w = adstock_weights(a);
    double sum = 0;
    for (double x : w) sum += x;
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_GT(w[2], w[0]);
    a.kind = AdstockKind::geometric;
    a.decay = 0.5;
    a.max_lag = 2;
    const auto g = adstock_weights(a);
    EXPECT_NEAR(g[0], 4.0 / 7, 1e-12);
    EXPECT_NEAR(g[2], 1.0 / 7, 1e-12);
}

}  // namespace
}  // namespace bidline::mmm
