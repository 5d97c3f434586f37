// Fitting a media-mix model: outcome = baseline + Σ_c β_c·saturation_c(adstock_c(spend_c)) + noise,
// where the baseline is an intercept, a linear trend, Fourier seasonality and
// the control variables. For fixed adstock and saturation parameters the
// model is linear, solved by ridge regression with β_c ≥ 0 (media cannot
// hurt sales); the parameters themselves are searched per channel with
// Nelder–Mead from several starts. The ridge strength is chosen by
// time-ordered cross-validation (expanding window, never training on the
// future), and the last periods are held out to report honest fit quality.
//
// Entry point for the optimizer thread: fill a MediaSeries (weekly or daily;
// set season_period accordingly) and call fit_media_mix; each channel's
// `curve` feeds the budget optimizer directly. Pure computation: no I/O, no
// shared state, safe to run on any thread; randomness is seeded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bidline/models/mmm/adstock.h"
#include "bidline/models/mmm/media_series.h"
#include "bidline/models/mmm/saturation.h"

namespace bidline::mmm {

struct MmmOptions {
    AdstockKind adstock = AdstockKind::geometric;
    SaturationKind saturation = SaturationKind::hill;
    int max_lag = 8;                  // periods of carry-over
    double season_period = 52.1775;   // periods per year: 52.1775 weekly, 365.25 daily
    int fourier_order = 2;            // sine/cosine pairs of yearly seasonality
    double week_period = 0;           // 7 for daily data: adds one weekly sine/cosine pair
    bool trend = true;
    std::size_t test_periods = 0;     // held out at the end; 0 = 10% of the series (at least 4)
    int restarts = 3;                 // search starts: a coarse grid, then random points
    int max_sweeps = 5;               // passes over the channels per start
    std::vector<double> ridge_grid = {0.0, 1e-4, 1e-3, 1e-2, 1e-1};
    int cv_folds = 3;
    // Weight of the weakly informative prior on adstock and saturation
    // parameters in the search (see README.md); 0 = maximum likelihood.
    double prior_strength = 1.0;
    int bootstrap_draws = 200;        // 0 disables uncertainty
    std::uint64_t seed = 1;
};

struct Interval {
    double low = 0;
    double high = 0;
};

struct CurvePoint {
    double spend = 0;     // per period
    double response = 0;  // per period, steady state
};

struct ChannelEstimate {
    std::string name;
    Adstock adstock;
    Saturation saturation;
    double beta = 0;           // response ceiling per period, outcome units
    double beta_sd = 0;        // bootstrap standard deviation of beta
    double spend = 0;          // total over the series
    double current_spend = 0;  // mean spend per period over the last 13 periods
    double contribution = 0;   // outcome attributed to the channel over the series
    double share = 0;          // contribution ÷ all media contribution
    double roi = 0;            // contribution ÷ spend
    double mroi = 0;           // extra outcome per extra unit of spend, scaling all periods' spend
    Interval contribution_interval;  // bootstrap 5th–95th percentiles
    Interval roi_interval;
    std::vector<CurvePoint> curve;   // steady-state response at 0…2× current spend
};

struct FitQuality {
    double r2 = 0;
    double mape = 0;
    std::optional<double> r2_test;
    std::optional<double> mape_test;
    std::size_t train_periods = 0;
    std::size_t test_periods = 0;
};

struct MediaMixResult {
    std::vector<ChannelEstimate> channels;
    double baseline = 0;        // outcome not explained by media over the series
    double baseline_share = 0;  // baseline ÷ total fitted outcome
    double ridge = 0;           // chosen by cross-validation
    FitQuality fit;
    std::vector<double> fitted;  // per period, on the full series
    int evaluations = 0;         // objective evaluations of the search
};

// Throws std::invalid_argument for unusable input (see MediaSeries::validate).
MediaMixResult fit_media_mix(const MediaSeries& series, const MmmOptions& options);

// Steady-state response per period of a fitted channel at a constant spend per period.
double channel_response(const ChannelEstimate& c, double spend_per_period);

}  // namespace bidline::mmm
