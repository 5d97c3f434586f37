// Synthetic media-mix data with known truth, for tests, benchmarks and
// `bidline mmm gen`: weekly (or daily) spend per channel (some flighted on and off, some
// always on), an outcome built from a baseline (level, trend, seasonality, a
// price control), each channel's true adstock, saturation and β, and
// Gaussian noise. The truth carries each channel's contribution, ROI and
// share computed on the generated series, so a fit can be graded directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bidline/models/mmm/adstock.h"
#include "bidline/models/mmm/media_series.h"
#include "bidline/models/mmm/saturation.h"

namespace bidline::mmm {

// Weekly periods, or daily ones with a weekday pattern in the baseline (fit
// those with season_period = 365.25 and week_period = 7).
enum class Cadence { weekly, daily };

struct SyntheticOptions {
    std::size_t periods = 156;  // weeks, or days when daily
    Cadence cadence = Cadence::weekly;
    std::size_t channels = 5;
    std::uint64_t seed = 1;
    double noise = 0.03;        // noise sd ÷ mean outcome
    double media_share = 0.4;   // media contribution ÷ outcome, on average
    AdstockKind adstock = AdstockKind::geometric;
    int max_lag = 8;
};

struct ChannelTruth {
    std::string name;
    Adstock adstock;
    Saturation saturation;
    double beta = 0;
    double spend = 0;
    double contribution = 0;
    double roi = 0;
    double share = 0;  // of all media contribution
};

struct SyntheticMediaMix {
    MediaSeries series;  // controls: "price"
    std::vector<ChannelTruth> truth;
    double baseline = 0;  // outcome from the baseline over the series (noise excluded)
};

SyntheticMediaMix generate_media_mix(const SyntheticOptions& options);

}  // namespace bidline::mmm
