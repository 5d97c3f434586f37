// The flattened GBDT evaluator against libxgboost on the same model and rows,
// in one run: the model shape (100 trees, depth 6, 32 features)
// trained here through the C API. Each benchmark checks its predictions
// against libxgboost's; the summary line prints how many times faster our
// single-row and batched paths are than libxgboost's fastest ones (inplace
// predict with a persistent proxy DMatrix).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bidline/models/gbdt_flat.h"
#include "bidline/models/gbdt_reference.h"
#include "bidline/models/xgboost_loader.h"
#include "models/xgboost_trainer.h"

namespace {

using bidline::models::FlatGbdt;
using bidline::models::ReferenceGbdt;

constexpr std::size_t kFeatures = 32;
constexpr std::size_t kRows = 1024;
constexpr std::size_t kCandidates = 64;  // a request's candidates in one batch

struct Fixture {
    bidline::test::XgbBooster booster;
    bidline::test::GeneratedData rows;
    std::vector<float> expected;  // libxgboost's predictions of `rows`
    std::unique_ptr<FlatGbdt> flat;
    std::unique_ptr<ReferenceGbdt> reference;
    std::vector<std::string> single_row_arrays;  // libxgboost's array interface, one per row
};

Fixture& fixture() {
    static Fixture* f = [] {
        auto* fx = new Fixture;
        const auto train = bidline::test::generate_data(4000, kFeatures, "binary:logistic", 0.1, 1);
        bidline::test::XgbBooster::train(fx->booster, train, "binary:logistic", 100, 6);
        fx->rows = bidline::test::generate_data(kRows, kFeatures, "binary:logistic", 0.1, 2);
        fx->expected = fx->booster.predict_all(fx->rows);
        const auto path =
            std::filesystem::temp_directory_path() / ("bidline_gbdt_bench_" + std::to_string(::getpid()) + ".ubj");
        fx->booster.save(path);
        const auto ensemble = bidline::models::load_xgboost_model(path);
        std::filesystem::remove(path);
        fx->flat = std::make_unique<FlatGbdt>(ensemble);
        fx->reference = std::make_unique<ReferenceGbdt>(ensemble);
        return fx;
    }();
    return *f;
}

void check(benchmark::State& state, const std::vector<float>& got) {
    const Fixture& f = fixture();
    for (std::size_t i = 0; i < got.size(); ++i)
        if (std::abs(got[i] - f.expected[i]) > 1e-6f) {
            state.SkipWithError(("row " + std::to_string(i) + " differs from libxgboost").c_str());
            return;
        }
}

void BM_FlatSingleRow(benchmark::State& state) {
    const Fixture& f = fixture();
    std::vector<float> got(kRows);
    std::size_t i = 0;
    for (auto _ : state) {
        got[i] = f.flat->predict(&f.rows.x[i * kFeatures]);
        benchmark::DoNotOptimize(got[i]);
        i = (i + 1) % kRows;
    }
    for (std::size_t r = 0; r < kRows; ++r) got[r] = f.flat->predict(&f.rows.x[r * kFeatures]);
    check(state, got);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FlatSingleRow);

void BM_FlatBatch(benchmark::State& state) {
    const Fixture& f = fixture();
    std::vector<float> got(kRows);
    std::size_t first = 0;
    for (auto _ : state) {
        f.flat->predict_batch(&f.rows.x[first * kFeatures], kCandidates, kFeatures, &got[first]);
        benchmark::ClobberMemory();
        first = (first + kCandidates) % kRows;
    }
    f.flat->predict_batch(f.rows.x.data(), kRows, kFeatures, got.data());
    check(state, got);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCandidates));
}
BENCHMARK(BM_FlatBatch);

void BM_ReferenceSingleRow(benchmark::State& state) {
    const Fixture& f = fixture();
    std::vector<float> got(kRows);
    std::size_t i = 0;
    for (auto _ : state) {
        got[i] = f.reference->predict(&f.rows.x[i * kFeatures]);
        benchmark::DoNotOptimize(got[i]);
        i = (i + 1) % kRows;
    }
    for (std::size_t r = 0; r < kRows; ++r) got[r] = f.reference->predict(&f.rows.x[r * kFeatures]);
    check(state, got);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ReferenceSingleRow);

void BM_LibxgboostSingleRow(benchmark::State& state) {
    Fixture& f = fixture();
    std::vector<float> got(kRows);
    std::size_t i = 0;
    for (auto _ : state) {
        got[i] = *f.booster.predict_dense(&f.rows.x[i * kFeatures], 1, kFeatures);
        i = (i + 1) % kRows;
    }
    for (std::size_t r = 0; r < kRows; ++r) got[r] = *f.booster.predict_dense(&f.rows.x[r * kFeatures], 1, kFeatures);
    check(state, got);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LibxgboostSingleRow);

void BM_LibxgboostBatch(benchmark::State& state) {
    Fixture& f = fixture();
    std::vector<float> got(kRows);
    std::size_t first = 0;
    for (auto _ : state) {
        const float* p = f.booster.predict_dense(&f.rows.x[first * kFeatures], kCandidates, kFeatures);
        std::copy(p, p + kCandidates, &got[first]);
        first = (first + kCandidates) % kRows;
    }
    const float* p = f.booster.predict_dense(f.rows.x.data(), kRows, kFeatures);
    std::copy(p, p + kRows, got.data());
    check(state, got);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCandidates));
}
BENCHMARK(BM_LibxgboostBatch);

// Console output plus ns per row of each benchmark, for the ratio lines.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.error_occurred || run.iterations == 0) continue;
            const auto items = run.counters.find("items_per_second");
            if (items != run.counters.end() && items->second.value > 0)
                ns_per_row[run.benchmark_name()] = 1e9 / items->second.value;
        }
    }
    std::map<std::string, double> ns_per_row;
};

void print_ratio(const RatioReporter& r, const char* what, const std::string& ours, const std::string& theirs) {
    const auto a = r.ns_per_row.find(ours);
    const auto b = r.ns_per_row.find(theirs);
    if (a == r.ns_per_row.end() || b == r.ns_per_row.end()) return;
    std::printf("%-10s ours %8.1f ns/row, libxgboost %8.1f ns/row: %.1fx faster\n", what, a->second, b->second,
                b->second / a->second);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    std::printf("GBDT 100 trees, depth 6, %zu features (batch = %zu candidates):\n", kFeatures, kCandidates);
    print_ratio(reporter, "single-row", "BM_FlatSingleRow", "BM_LibxgboostSingleRow");
    print_ratio(reporter, "batched", "BM_FlatBatch", "BM_LibxgboostBatch");
    benchmark::Shutdown();
    return 0;
}
