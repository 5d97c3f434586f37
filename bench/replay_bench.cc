// `bidline replay` throughput on one core: rows/s through the real bid
// path, auction simulation and control loop, for the two formats the feeds
// issue sets targets for (3-column iPinYou ≥ 1 M rows/s, NDJSON with
// OpenRTB requests ≥ 200 k rows/s). The baseline in the same run is the
// source alone (reading and parsing the rows), the floor of what replay can
// cost. Each run checks its answer: every row is counted, the budget is
// spent without passing it.
//
// Rows come from files this benchmark writes to a temp dir: BIDLINE_REPLAY_
// BENCH_ROWS rows (default 1,000,000 3-column and 200,000 NDJSON rows;
// ctest sets a few thousand).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "bidline/engine/replay.h"
#include "bidline/feeds/market_generator.h"

namespace bidline {
namespace {

std::uint64_t rows_from_env(std::uint64_t fallback) {
    const char* v = std::getenv("BIDLINE_REPLAY_BENCH_ROWS");
    return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

std::filesystem::path bench_file(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("bidline-replay-bench-" + std::to_string(::getpid()) + "-" + name);
}

// `click market_price pctr` rows as in the iPinYou benchmark files.
const std::filesystem::path& three_column_file() {
    static const std::filesystem::path path = [] {
        const std::filesystem::path p = bench_file("ipinyou3.txt");
        std::ofstream out(p);
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(0, 1);
        std::uniform_int_distribution<int> price(1, 300);
        const std::uint64_t rows = rows_from_env(1'000'000);
        for (std::uint64_t i = 0; i < rows; ++i) {
            const double pctr = u(rng) * 0.002;
            out << (u(rng) < pctr ? 1 : 0) << ' ' << price(rng) << ' ' << pctr << '\n';
        }
        return p;
    }();
    return path;
}

const std::filesystem::path& ndjson_file() {
    static const std::filesystem::path path = [] {
        const std::filesystem::path p = bench_file("market.ndjson");
        std::ofstream out(p);
        MarketOptions o;
        o.requests = rows_from_env(1'000'000) / 5;
        o.with_pctr = true;
        write_synthetic_market(o, out);
        return p;
    }();
    return path;
}

std::uint64_t count_rows(const std::filesystem::path& file, ReplayFormat format) {
    auto source = open_replay_source({file.string()}, format);
    ReplayRecord r;
    std::uint64_t n = 0;
    while (source->next(r)) ++n;
    return n;
}

// Baseline: the source alone.
void BM_ReadRows(benchmark::State& st, ReplayFormat format, const std::filesystem::path& (*file)()) {
    std::uint64_t rows = 0;
    for (auto _ : st) rows += count_rows(file(), format);
    st.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

void BM_Replay(benchmark::State& st, ReplayFormat format, const std::filesystem::path& (*file)()) {
    const std::uint64_t expected = count_rows(file(), format);
    const double budget = 2000;
    const Config config = single_campaign_config(budget, BidStrategy::max_clicks, PacingMode::even, 0);
    std::uint64_t rows = 0;
    for (auto _ : st) {
        auto source = open_replay_source({file().string()}, format);
        const ReplayReport report = run_replay(config, *source, ReplayOptions{});
        rows += report.totals.requests;
        if (report.totals.requests != expected) st.SkipWithError("replay lost rows");
        if (report.totals.spend_micros > Micros::from_units(budget * 1.01).value()) st.SkipWithError("overspent");
        st.counters["wins"] = static_cast<double>(report.totals.wins);
    }
    st.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_ReadRows, ipinyou3, ReplayFormat::ipinyou, three_column_file)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, ipinyou3, ReplayFormat::ipinyou, three_column_file)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadRows, ndjson, ReplayFormat::ndjson, ndjson_file)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, ndjson, ReplayFormat::ndjson, ndjson_file)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bidline

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    bidline::three_column_file();  // written before timing starts
    bidline::ndjson_file();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    for (const char* name : {"ipinyou3.txt", "market.ndjson"}) std::filesystem::remove(bidline::bench_file(name));
    return 0;
}
