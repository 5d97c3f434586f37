// perf_bid_path_probe: the in-process bid decision on the load run's own
// configuration and requests (perf/run.sh). Loads the TOML config (its
// line items and, when the engine reads it, its [models] table) into an
// EngineState with one shard, as `serve` does, and times BidPath::handle —
// parse, eligibility, scoring, value, pacing, lease, shading, response —
// per request over the NDJSON request file, round after round. The clock
// is simulated at --rate requests per second so that pacing and leases
// see the spend a load run of that rate causes; the control loop ticks
// every 250 ms of it, outside the timing.
//
// Prints key=value lines: latency percentiles (wall clock), the mean CPU
// time per request (thread CPU clock: not inflated when another process
// preempts the probe), the answer mix (bids, no-bids by reason, errors),
// line items eligible per request, and the heap allocations per request in
// steady state (this executable counts operator new on its thread, as
// tests/alloc does).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "bidline/config/config.h"
#include "bidline/engine/bid_path.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/model_registry.h"

namespace {
thread_local bool counting = false;
thread_local std::uint64_t allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
    if (counting) ++allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (counting) ++allocations;
    const auto align = static_cast<std::size_t>(a);
    if (void* p = std::aligned_alloc(align, (n + align - 1) & ~(align - 1))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace bidline {
namespace {

struct Options {
    std::string config, requests, data_dir;
    int rounds = 20;
    double rate = 20'000;  // simulated requests per second
};

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    if (lines.empty()) throw std::runtime_error(path + ": no requests");
    return lines;
}

std::int64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

double percentile(const std::vector<double>& sorted, double p) {
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

// Line items that pass targeting per request (all imps), as the index sees them.
std::vector<std::size_t> eligible_per_request(EngineState& state, const std::vector<std::string>& requests) {
    OpenRtbParser parser;
    BidRequestView req;
    auto catalog = state.catalog.load();
    auto control = state.control.load();
    EligibilityScratch scratch;
    scratch.resize(catalog->line_item_capacity());
    std::vector<std::size_t> counts;
    for (const std::string& body : requests) {
        std::size_t n = 0;
        if (!parser.parse(body, req))
            for (const ImpView& imp : req.imps) {
                catalog->targeting().eligible(req, imp, control->live, scratch);
                n += scratch.eligible.count();
            }
        counts.push_back(n);
    }
    return counts;
}

int run(const Options& o) {
    const std::vector<std::string> requests = read_lines(o.requests);
    Config config = load_config_file(o.config);
    config.engine.shards = 1;
    if (!o.data_dir.empty()) config.engine.data_dir = o.data_dir;  // the model registry lives there
    // A Wednesday, 14:00 UTC: inside every flight, an ordinary hour for pacing.
    ManualClock clock(Timestamp{std::chrono::sys_days{std::chrono::year{2026} / 6 / 3}.time_since_epoch() +
                                std::chrono::hours{14}});
    EngineState state(config, clock);
    ControlLoop control(state);
    // As serve does: the [models] bundles go through the registry in the data directory.
    ModelRegistry models(std::filesystem::path(config.engine.data_dir) / "models", state.models,
                         std::chrono::duration_cast<std::chrono::microseconds>(config.models.max_age).count());
    models.seed(config.models, clock.now().time_since_epoch().count());
    control.tick();
    BidPath path(state, *state.shards[0]);

    const auto step = std::chrono::microseconds{static_cast<std::int64_t>(1e6 / o.rate)};
    const auto tick_every = static_cast<std::uint64_t>(o.rate / 4);  // control_tick_ms = 250
    std::vector<double> ns;
    ns.reserve(requests.size() * static_cast<std::size_t>(o.rounds));
    std::map<std::string, std::uint64_t> answers;
    std::uint64_t served = 0, counted_allocations = 0, counted_requests = 0;
    std::int64_t cpu_ns = 0;  // this thread's CPU time in handle(): what preemption does not inflate
    for (int round = -2; round < o.rounds; ++round) {  // two rounds of warm-up
        for (const std::string& body : requests) {
            counting = round >= 0;
            const std::int64_t cpu0 = thread_cpu_ns();
            const auto t0 = std::chrono::steady_clock::now();
            const BidAnswer a = path.handle(body, clock.now());
            const auto t1 = std::chrono::steady_clock::now();
            const std::int64_t cpu1 = thread_cpu_ns();
            counting = false;
            if (round >= 0) {
                ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
                cpu_ns += cpu1 - cpu0;
                ++counted_requests;
                ++answers[a.status == 200   ? std::string("bid")
                          : a.status == 204 ? "no_bid." + std::string(to_string(path.last_no_bid_reason()))
                                            : "error." + std::to_string(a.status)];
            }
            clock.advance(step);
            if (++served % tick_every == 0) {
                control.tick();
                path.refresh();
            }
        }
        counted_allocations = allocations;
    }

    std::sort(ns.begin(), ns.end());
    double sum = 0;
    for (double v : ns) sum += v;
    std::vector<std::size_t> eligible = eligible_per_request(state, requests);
    std::sort(eligible.begin(), eligible.end());
    double eligible_sum = 0;
    for (std::size_t e : eligible) eligible_sum += static_cast<double>(e);
    const auto& li = config.campaigns.line_items;

    std::printf("line_items=%zu\nrequests=%zu\nmeasured=%llu\n", li.size(), requests.size(),
                static_cast<unsigned long long>(counted_requests));
    std::printf("p50_us=%.2f\np90_us=%.2f\np99_us=%.2f\np999_us=%.2f\nmean_us=%.2f\n", percentile(ns, 0.50) / 1e3,
                percentile(ns, 0.90) / 1e3, percentile(ns, 0.99) / 1e3, percentile(ns, 0.999) / 1e3,
                sum / static_cast<double>(ns.size()) / 1e3);
    std::printf("cpu_mean_us=%.2f\n", static_cast<double>(cpu_ns) / static_cast<double>(counted_requests) / 1e3);
    std::printf("eligible_mean=%.1f\neligible_p50=%zu\neligible_p90=%zu\n",
                eligible_sum / static_cast<double>(eligible.size()), eligible[eligible.size() / 2],
                eligible[eligible.size() * 9 / 10]);
    std::printf("allocations_per_request=%.4f\n",
                static_cast<double>(counted_allocations) / static_cast<double>(counted_requests));
    for (const auto& [answer, n] : answers)
        std::printf("answer.%s=%.4f\n", answer.c_str(), static_cast<double>(n) / static_cast<double>(counted_requests));
    return 0;
}

}  // namespace
}  // namespace bidline

int main(int argc, char** argv) {
    bidline::Options o;
    const std::span<char*> args(argv + 1, static_cast<std::size_t>(argc - 1));
    bool usage_ok = args.size() % 2 == 0;
    for (std::size_t k = 0; usage_ok && k + 1 < args.size(); k += 2) {
        const std::string a = args[k];
        if (a == "--config") o.config = args[k + 1];
        else if (a == "--requests") o.requests = args[k + 1];
        else if (a == "--data-dir") o.data_dir = args[k + 1];
        else if (a == "--rounds") o.rounds = std::max(1, std::atoi(args[k + 1]));
        else if (a == "--rate") o.rate = std::max(100.0, std::atof(args[k + 1]));
        else usage_ok = false;
    }
    if (!usage_ok || o.config.empty() || o.requests.empty()) {
        std::fputs("usage: perf_bid_path_probe --config FILE.toml --requests FILE.ndjson [--data-dir DIR] [--rounds N] [--rate QPS]\n", stderr);
        return 2;
    }
    try {
        return bidline::run(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "perf_bid_path_probe: %s\n", e.what());
        return 1;
    }
}
