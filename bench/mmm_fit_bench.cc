// Media-mix fit of three years of weekly data with 10 channels (target: under
// 5 s on one core), with bootstrap. Checks the fit is sane: R² on the
// training weeks above 0.9 and every channel's share within 5 points of the
// generator's truth.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "bidline/models/mmm/media_mix_model.h"
#include "bidline/models/mmm/synthetic_media.h"

namespace {

void BM_MmmFit3YearsWeekly10Channels(benchmark::State& state) {
    bidline::mmm::SyntheticOptions gen;
    gen.periods = 156;
    gen.channels = 10;
    gen.noise = 0.01;
    gen.seed = 3;
    const auto data = bidline::mmm::generate_media_mix(gen);
    bidline::mmm::MediaMixResult fit;
    for (auto _ : state) {
        fit = bidline::mmm::fit_media_mix(data.series, bidline::mmm::MmmOptions{});
        benchmark::DoNotOptimize(fit.channels.data());  // not the double: "+r" on an lvalue double garbles it with GCC
    }
    double worst_share = 0, worst_roi = 0;
    for (std::size_t c = 0; c < data.truth.size(); ++c) {
        worst_share = std::max(worst_share, std::abs(fit.channels[c].share - data.truth[c].share));
        worst_roi = std::max(worst_roi, std::abs(fit.channels[c].roi / data.truth[c].roi - 1));
    }
    if (!(fit.fit.r2 > 0.9) || worst_share > 0.05) {
        std::fprintf(stderr, "mmm_fit_bench: fit not sane (R² %.3f, worst share error %.3f, %zu channels, ridge %g)\n", fit.fit.r2, worst_share, fit.channels.size(), fit.ridge);
        std::abort();
    }
    state.counters["r2"] = fit.fit.r2;
    state.counters["r2_test"] = *fit.fit.r2_test;
    state.counters["worst_share_err"] = worst_share;
    state.counters["worst_roi_err"] = worst_roi;
    state.counters["evaluations"] = fit.evaluations;
}
BENCHMARK(BM_MmmFit3YearsWeekly10Channels)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
