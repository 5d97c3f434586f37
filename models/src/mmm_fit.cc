#include <cmath>
#include <stdexcept>

#include "mmm_fit_steps.h"

namespace bidline::mmm {
namespace {

struct Accuracy {
    double r2 = 0;
    double mape = 0;
};

// R² and MAPE of `fitted` against the outcome over [from, to); periods with a
// zero outcome are left out of MAPE (their percentage error is undefined).
Accuracy accuracy(const std::vector<double>& outcome, const Eigen::VectorXd& fitted, double scale, std::size_t from,
                  std::size_t to) {
    double mean = 0;
    for (std::size_t t = from; t < to; ++t) mean += outcome[t] / static_cast<double>(to - from);
    double sse = 0, sst = 0, ape = 0;
    int counted = 0;
    for (std::size_t t = from; t < to; ++t) {
        const double f = fitted[static_cast<Eigen::Index>(t)] * scale, y = outcome[t];
        sse += (y - f) * (y - f);
        sst += (y - mean) * (y - mean);
        if (y != 0) ape += std::abs((y - f) / y), ++counted;
    }
    return {sst > 0 ? 1 - sse / sst : 0.0, counted ? ape / counted : 0.0};
}

}  // namespace

MediaMixResult fit_media_mix(const MediaSeries& series, const MmmOptions& o) {
    series.validate();
    const std::size_t n = series.size();
    const std::size_t test = o.test_periods > 0 ? o.test_periods : std::max<std::size_t>(4, n / 10);
    MediaDesign design(series, o);
    const std::size_t min_train = static_cast<std::size_t>(design.x().cols()) + 4;
    if (test >= n || n - test < min_train)
        throw std::invalid_argument("too few periods: " + std::to_string(n) + " periods, " + std::to_string(test) +
                                    " held out, the model needs at least " + std::to_string(min_train) + " to train on");
    const std::size_t train = n - test;

    MediaMixResult out;
    out.evaluations = search_transforms(design, train, o);
    out.ridge = choose_ridge(design, train, o);

    const Eigen::VectorXd b_train = fit_rows(design, train, out.ridge);
    const Eigen::VectorXd fitted_train = design.x() * b_train;
    const Accuracy on_train = accuracy(series.outcome, fitted_train, design.outcome_scale(), 0, train);
    const Accuracy on_test = accuracy(series.outcome, fitted_train, design.outcome_scale(), train, n);
    out.fit = {on_train.r2, on_train.mape, on_test.r2, on_test.mape, train, test};

    // The reported decomposition uses every period, with the searched transforms.
    decompose(design, series, fit_rows(design, n, out.ridge), out.ridge, o, out);
    return out;
}

}  // namespace bidline::mmm
