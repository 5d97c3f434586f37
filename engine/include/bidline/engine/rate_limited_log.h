// Warnings that a per-request path may emit without flooding the log or
// stalling a shard: each call site logs at most `burst` lines per
// `interval`, and the first line of the next interval says how many were
// suppressed. Lock-free: several shard threads may share a call site; the
// window is claimed by one CAS, so a line may rarely slip past the limit
// by the number of racing threads, never by more.
//
//   static RateLimit limit{5, std::chrono::seconds(10)};
//   BIDLINE_WARN_RATE_LIMITED(limit, clock.now(), "notice for unknown line item {}", id);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "bidline/engine/clock.h"

namespace bidline {

class RateLimit {
public:
    RateLimit(std::uint32_t burst, std::chrono::microseconds interval) : burst_(burst), interval_us_(interval.count()) {}

    // True if a line may be logged at `now`; `suppressed` is then the number
    // of lines dropped since the last one that was allowed.
    [[nodiscard]] bool allow(Timestamp now, std::uint64_t& suppressed) {
        const std::int64_t t = now.time_since_epoch().count();
        std::int64_t start = window_start_.load(std::memory_order_relaxed);
        if (t - start >= interval_us_ && window_start_.compare_exchange_strong(start, t, std::memory_order_relaxed)) {
            used_.store(0, std::memory_order_relaxed);  // we won the new window
        }
        if (used_.fetch_add(1, std::memory_order_relaxed) < burst_) {
            suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
            return true;
        }
        suppressed_.fetch_add(1, std::memory_order_relaxed);
        suppressed_total_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }

    std::uint64_t suppressed_total() const { return suppressed_total_.load(std::memory_order_relaxed); }

private:
    std::uint32_t burst_;
    std::int64_t interval_us_;
    std::atomic<std::int64_t> window_start_{INT64_MIN / 2};
    std::atomic<std::uint64_t> used_{0};
    std::atomic<std::uint64_t> suppressed_{0};
    std::atomic<std::uint64_t> suppressed_total_{0};  // never reset
};

}  // namespace bidline

#define BIDLINE_WARN_RATE_LIMITED(limit, now, fmt_, ...)                                                   \
    do {                                                                                                  \
        std::uint64_t bidline_suppressed_ = 0;                                                            \
        if ((limit).allow((now), bidline_suppressed_)) {                                                  \
            if (bidline_suppressed_ > 0)                                                                  \
                spdlog::warn(fmt_ " ({} similar warnings suppressed)" __VA_OPT__(, ) __VA_ARGS__, bidline_suppressed_); \
            else                                                                                          \
                spdlog::warn(fmt_ __VA_OPT__(, ) __VA_ARGS__);                                            \
        }                                                                                                 \
    } while (0)
