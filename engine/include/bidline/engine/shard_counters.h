// Per-shard counters: written by exactly one shard thread, read by the
// control thread when it aggregates stats. Single-writer atomics need no
// read-modify-write: a relaxed load + store is enough and costs no lock
// prefix. Each shard's block starts on its own cache line.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <string_view>

#include "bidline/engine/spsc_ring.h"

namespace bidline {

using Counter = std::atomic<std::uint64_t>;
inline void bump(Counter& c, std::uint64_t n = 1) { c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
inline std::uint64_t read(const Counter& c) { return c.load(std::memory_order_relaxed); }

// Why an imp or a request got no bid. Names appear in /v1/stats.
enum class NoBidReason : std::uint8_t {
    no_eligible,      // no line item's targeting and creatives fit
    below_floor,      // every candidate's value was under the floor
    budget,           // leases spent
    currency,         // we cannot bid in any currency the request allows
    blocked,          // bcat/badv removed every creative
    paused,           // catalog swap in progress (no live set yet)
    throttled,        // the pacing throttle skipped every candidate
    tmax,             // could not answer within tmax
    response_too_large,
    holdout,          // every candidate's campaign holds this user out (experiment)
    native_assets,    // no native creative answers the native request's required assets (or it is unreadable)
    count_
};
std::string_view to_string(NoBidReason);

// Why a bid request was answered 204 before it was parsed: the HTTP layer's
// admission control (engine/src/net/admission.h) sheds it. Names appear in
// /v1/stats and /metrics beside the NoBidReason names.
enum class ShedReason : std::uint8_t {
    tmax_expired,   // it had already waited half its tmax (or the default deadline): any answer would come late
    shed_overload,  // the shard has had no idle moment for a while and the request waited past the overload target
    count_
};
constexpr std::string_view to_string(ShedReason r) {
    switch (r) {
        case ShedReason::tmax_expired: return "tmax_expired";
        case ShedReason::shed_overload: return "shed_overload";
        case ShedReason::count_: break;
    }
    return "unknown";
}

// Log2 histogram of request latency in nanoseconds: bucket i counts
// latencies in [2^i, 2^(i+1)); 2^32 ns = 4.3 s is the top.
struct LatencyHistogram {
    static constexpr int kBuckets = 33;
    std::array<Counter, kBuckets> buckets{};
    void record(std::uint64_t ns) {
        const int b = ns == 0 ? 0 : std::min(kBuckets - 1, static_cast<int>(std::bit_width(ns)) - 1);
        bump(buckets[b]);
    }
};

struct alignas(kCacheLine) ShardCounters {
    Counter requests{};         // bid requests
    Counter bid_responses{};    // 200 with at least one bid
    Counter no_bid_responses{}; // 204
    Counter bad_requests{};     // 400 on the bid endpoint
    Counter bids{};             // individual bids (per imp)
    Counter http_requests{};    // everything, all paths
    Counter http_errors{};      // 4xx from the HTTP layer (413, 431, ...)
    Counter notices{};          // win/bill/loss/click/conversion notices accepted
    Counter notice_errors{};
    Counter auth_refused{};     // 401 and 403 once API keys are configured
    Counter events_dropped{};   // shard -> control ring full (counted, never silent)
    Counter bad_native_requests{};  // imp.native.request unreadable (once per imp a native creative met)
    Counter request_log_written{};  // bid requests logged with their decision
    Counter request_log_skipped{};  // sampled, but the log's lane was full (bidding never waits)
    Counter connections_open{};
    Counter connections_total{};
    std::array<Counter, static_cast<int>(NoBidReason::count_)> no_bid{};
    // Bid requests shed before parsing; each is also in `requests` and `no_bid_responses`.
    std::array<Counter, static_cast<int>(ShedReason::count_)> shed{};
    LatencyHistogram bid_latency;
};

// Per shard, per line item (indexed by dense LineItemIndex). `charged` is
// written by the shard; `granted` by the control thread (cumulative; it
// grows, except when a shared budget's lease shrinks and the control thread
// takes back the unused part): the shard may bid while charged + price <= granted.
struct LineItemShardState {
    std::atomic<std::int64_t> granted_micros{0};
    std::atomic<std::int64_t> charged_micros{0};
    Counter bids{};
};

}  // namespace bidline
