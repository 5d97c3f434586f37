// Budget optimizer on 100 channels (a third S-shaped), target < 10 ms. The
// answer is checked against the reference conditions of optimality: the
// budget is spent, every channel strictly inside its bounds and past its
// inflection has the same marginal ROI, and no transfer of spend between any
// two channels (20 amounts each way) improves the total response.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "bidline/pacing/budget_optimizer.h"

namespace {

std::vector<bidline::ChannelCurve> channels(int n) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<bidline::ChannelCurve> out;
    for (int i = 0; i < n; ++i) {
        bidline::ChannelCurve c;
        c.name = "ch" + std::to_string(i);
        c.kappa = 500 + 2000 * u(rng);
        c.beta = c.kappa * (1 + 3 * u(rng));
        c.slope = i % 3 == 0 ? 1.5 + 1.5 * u(rng) : 0.6 + 0.4 * u(rng);
        c.current = c.kappa;
        out.push_back(c);
    }
    return out;
}

void check(const std::vector<bidline::ChannelCurve>& curves, const bidline::BudgetAllocation& plan, double budget) {
    auto fail = [](const char* what) {
        std::fprintf(stderr, "budget_optimizer_bench: %s\n", what);
        std::abort();
    };
    if (std::abs(plan.spend - budget) > 1e-6 * budget) fail("budget not spent");
    double lambda = -1;
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const double x = plan.channels[i].spend;
        if (x <= 1e-9 || x < curves[i].inflection()) continue;
        if (lambda < 0) lambda = plan.channels[i].mroi;
        if (std::abs(plan.channels[i].mroi - lambda) > 1e-5 * lambda) fail("marginal ROI not equal across active channels");
    }
    for (std::size_t i = 0; i < curves.size(); ++i)
        for (std::size_t j = 0; j < curves.size(); ++j) {
            if (i == j) continue;
            const double xi = plan.channels[i].spend, xj = plan.channels[j].spend;
            const double base = curves[i].response(xi) + curves[j].response(xj);
            for (int k = 1; k <= 20; ++k) {
                const double d = xi * k / 20.0;
                if (curves[i].response(xi - d) + curves[j].response(xj + d) > base + 1e-7 * plan.response)
                    fail("a transfer between two channels improves the plan");
            }
        }
}

void BM_BudgetOptimizer100(benchmark::State& state) {
    const auto curves = channels(100);
    double budget = 0;
    for (const auto& c : curves) budget += c.current;
    bidline::BudgetAllocation plan;
    for (auto _ : state) {
        plan = bidline::maximize_response(curves, budget);
        benchmark::DoNotOptimize(plan.channels.data());
    }
    check(curves, plan, budget);
    state.counters["nodes"] = plan.nodes;
    state.counters["response"] = plan.response;
}
BENCHMARK(BM_BudgetOptimizer100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
