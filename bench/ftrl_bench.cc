// FTRL per-row costs on realistic rows (encode_ftrl_features of varied
// contexts: 23 hashed features, 2^20 weights): the bid path's snapshot
// predict, the encoder, and the control thread's update. Each benchmark
// checks its answer: snapshot predictions equal the learner's (the
// reference), training beats a constant CTR, and predict/encode made no
// heap allocation (this executable counts calls to malloc).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bidline/models/ftrl.h"

#include "malloc_counter.h"

namespace {

using namespace bidline::models;

constexpr std::size_t kRows = 8192;

struct Fixture {
    std::vector<std::string> domains, publishers;
    std::vector<FeatureContext> contexts;
    std::vector<FtrlFeatures> rows;
    std::vector<double> labels;
    FtrlLearner learner{FtrlConfig{}};
    Fixture() {
        std::mt19937_64 rng(17);
        for (int i = 0; i < 500; ++i) domains.push_back("site" + std::to_string(i) + ".example.com");
        for (int i = 0; i < 50; ++i) publishers.push_back("pub-" + std::to_string(i));
        std::uniform_int_distribution<int> site(0, 499), pub(0, 49), li(1, 40), cr(1, 4), dev(1, 7), hour(0, 167);
        std::bernoulli_distribution click(0.02);
        for (std::size_t r = 0; r < kRows; ++r) {
            FeatureContext c;
            c.time_utc_us = 1704067200LL * 1'000'000 + hour(rng) * 3600LL * 1'000'000;
            c.device_type = static_cast<std::uint8_t>(dev(rng));
            c.os = r % 2 ? "iOS" : "Android";
            c.user_agent = "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36";
            c.country = "USA";
            c.region = r % 3 ? "NY" : "CA";
            c.site_domain = domains[static_cast<std::size_t>(site(rng))];
            c.publisher_id = publishers[static_cast<std::size_t>(pub(rng))];
            c.media_format = 1;
            c.width = 300;
            c.height = 250;
            c.position = 1;
            c.floor_cpm = 0.25 * static_cast<double>(r % 8);
            const int line_item = li(rng);
            c.line_item_id = static_cast<std::uint64_t>(line_item);
            c.creative_id = static_cast<std::uint64_t>(line_item * 10 + cr(rng));
            c.seconds_since_last_seen = static_cast<double>(r % 5000);
            contexts.push_back(c);
            FtrlFeatures f;
            encode_ftrl_features(c, f);
            rows.push_back(f);
            labels.push_back(click(rng) ? 1.0 : 0.0);
        }
        for (int pass = 0; pass < 3; ++pass)
            for (std::size_t r = 0; r < kRows; ++r) learner.update(rows[r].view(), labels[r]);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_FtrlSnapshotPredict(benchmark::State& state) {
    const Fixture& f = fixture();
    const FtrlSnapshot snapshot = f.learner.snapshot();
    std::vector<double> got(kRows);
    std::size_t i = 0;
    const std::size_t before = allocations();
    for (auto _ : state) {
        got[i] = snapshot.predict(f.rows[i].view());
        benchmark::DoNotOptimize(got[i]);
        i = (i + 1) % kRows;
    }
    const std::size_t allocated = allocations() - before;
    for (std::size_t r = 0; r < kRows; ++r)
        if (snapshot.predict(f.rows[r].view()) != f.learner.predict(f.rows[r].view())) {
            state.SkipWithError(("row " + std::to_string(r) + ": snapshot differs from the learner").c_str());
            return;
        }
    if (allocated != 0) state.SkipWithError((std::to_string(allocated) + " heap allocations while predicting").c_str());
    state.counters["nonzero_weights"] = static_cast<double>(snapshot.nonzero_weights());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FtrlSnapshotPredict);

// The bid path's whole FTRL cost per candidate: row → features → prediction.
void BM_FtrlEncodeAndPredict(benchmark::State& state) {
    const Fixture& f = fixture();
    const FtrlSnapshot snapshot = f.learner.snapshot();
    std::array<float, kFeatureCount> row;
    FtrlFeatures features;
    std::size_t i = 0;
    const std::size_t before = allocations();
    for (auto _ : state) {
        FeatureBuilder::build(f.contexts[i], row);
        encode_ftrl_features(row, features);
        benchmark::DoNotOptimize(snapshot.predict(features.view()));
        i = (i + 1) % kRows;
    }
    const std::size_t allocated = allocations() - before;
    encode_ftrl_features(f.contexts[3], features);
    if (features.count != f.rows[3].count || features.items[5].hash != f.rows[3].items[5].hash)
        state.SkipWithError("encoding differs from the fixture's");
    if (allocated != 0) state.SkipWithError((std::to_string(allocated) + " heap allocations while encoding").c_str());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FtrlEncodeAndPredict);

void BM_FtrlUpdate(benchmark::State& state) {
    const Fixture& f = fixture();
    FtrlLearner learner{FtrlConfig{}};
    std::size_t i = 0;
    double loss = 0;
    std::size_t n = 0;
    for (auto _ : state) {
        const double p = learner.update(f.rows[i].view(), f.labels[i]);
        loss -= f.labels[i] > 0 ? std::log(p) : std::log1p(-p);  // progressive validation
        ++n;
        i = (i + 1) % kRows;
    }
    // Answer check: what the learner learnt must beat a constant CTR on the
    // fixture's rows (measured after more training, so it holds at any iteration count).
    for (int pass = 0; pass < 3; ++pass)
        for (std::size_t r = 0; r < kRows; ++r) learner.update(f.rows[r].view(), f.labels[r]);
    double model = 0, constant = 0, mean = 0;
    for (double y : f.labels) mean += y;
    mean /= kRows;
    for (std::size_t r = 0; r < kRows; ++r) {
        const double p = learner.predict(f.rows[r].view());
        model -= f.labels[r] > 0 ? std::log(p) : std::log1p(-p);
        constant -= f.labels[r] > 0 ? std::log(mean) : std::log1p(-mean);
    }
    if (!(model < constant)) state.SkipWithError("training did not beat a constant CTR");
    state.counters["progressive_log_loss"] = n > 0 ? loss / static_cast<double>(n) : 0;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FtrlUpdate);

// The control thread's snapshot cost: materialise 2^20 weights.
void BM_FtrlSnapshot(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        FtrlSnapshot s = f.learner.snapshot();
        benchmark::DoNotOptimize(s.nonzero_weights());
    }
    const FtrlSnapshot s = f.learner.snapshot();
    if (s.predict(f.rows[0].view()) != f.learner.predict(f.rows[0].view())) state.SkipWithError("snapshot differs");
}
BENCHMARK(BM_FtrlSnapshot)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
