// The Eigen MLP in the reference shape (128→256→128→64→1, ReLU,
// sigmoid output): one candidate at a time, and a request's 64 candidates
// as one batch. Each benchmark checks its predictions against the naive
// reference and that evaluating made no heap allocation (this executable
// counts calls to malloc, which Eigen and operator new both end in).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "bidline/models/mlp_eigen.h"
#include "bidline/models/mlp_reference.h"
#include "models/mlp_network_factory.h"

#include "malloc_counter.h"

namespace {

using bidline::models::EigenMlp;
using bidline::models::MlpScratch;
using bidline::models::ReferenceMlp;

constexpr std::size_t kInputs = 128;
constexpr std::size_t kRows = 256;
constexpr std::size_t kCandidates = 64;

struct Fixture {
    bidline::models::MlpNetwork network = bidline::test::reference_shape_mlp(42);
    std::vector<float> rows = bidline::test::random_rows(kRows, kInputs, 43);
    EigenMlp mlp{network};
    std::vector<float> expected;
    Fixture() {
        const ReferenceMlp reference(network);
        for (std::size_t r = 0; r < kRows; ++r) expected.push_back(reference.predict(&rows[r * kInputs]));
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// The counter must see allocations, or "no allocation" would prove nothing.
bool counter_works() {
#ifdef BIDLINE_COUNTS_MALLOC
    const std::size_t before = allocations();
    std::vector<int> v(1000);
    benchmark::DoNotOptimize(v.data());
    return allocations() > before;
#else
    return true;
#endif
}

void check(benchmark::State& state, const std::vector<float>& got, std::size_t allocated) {
    const Fixture& f = fixture();
    for (std::size_t i = 0; i < got.size(); ++i)
        if (std::abs(got[i] - f.expected[i]) > 2e-5f) {
            state.SkipWithError(("row " + std::to_string(i) + " differs from the reference").c_str());
            return;
        }
    if (!counter_works()) state.SkipWithError("the malloc counter sees nothing");
    if (allocated != 0) state.SkipWithError((std::to_string(allocated) + " heap allocations while scoring").c_str());
}

void BM_MlpSingleRow(benchmark::State& state) {
    const Fixture& f = fixture();
    MlpScratch scratch = f.mlp.make_scratch(1);
    std::vector<float> got(kRows);
    std::size_t i = 0;
    const std::size_t before = allocations();
    for (auto _ : state) {
        got[i] = f.mlp.predict(&f.rows[i * kInputs], scratch);
        benchmark::DoNotOptimize(got[i]);
        i = (i + 1) % kRows;
    }
    for (std::size_t r = 0; r < kRows; ++r) got[r] = f.mlp.predict(&f.rows[r * kInputs], scratch);
    check(state, got, allocations() - before);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MlpSingleRow);

void BM_MlpBatch64(benchmark::State& state) {
    const Fixture& f = fixture();
    MlpScratch scratch = f.mlp.make_scratch(kCandidates);
    std::vector<float> got(kRows);
    std::size_t first = 0;
    const std::size_t before = allocations();
    for (auto _ : state) {
        f.mlp.predict_batch(&f.rows[first * kInputs], kCandidates, kInputs, &got[first], scratch);
        benchmark::ClobberMemory();
        first = (first + kCandidates) % kRows;
    }
    f.mlp.predict_batch(f.rows.data(), kRows, kInputs, got.data(), scratch);
    check(state, got, allocations() - before);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCandidates));
}
BENCHMARK(BM_MlpBatch64);

}  // namespace

BENCHMARK_MAIN();
