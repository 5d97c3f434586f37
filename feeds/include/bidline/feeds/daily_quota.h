// Per-connector daily quota: at most `limit` units (events, report rows,
// requests: the caller decides) per UTC day. A refused request learns how
// long until midnight UTC (Retry-After). Single-threaded, like TokenBucket.
#pragma once

#include <chrono>
#include <cstdint>

namespace bidline::feeds {

class DailyQuota {
public:
    using Time = std::chrono::sys_time<std::chrono::microseconds>;

    explicit DailyQuota(std::int64_t limit) : limit_(limit) {}

    // Whether `n` more units fit today, without taking them.
    [[nodiscard]] bool fits(Time now, std::int64_t n, std::int64_t& retry_after_seconds);
    [[nodiscard]] bool try_take(Time now, std::int64_t n, std::int64_t& retry_after_seconds);

    std::int64_t used_today(Time now);

private:
    void roll(Time now);

    std::int64_t limit_;
    std::int64_t used_ = 0;
    std::chrono::sys_days day_{};
};

}  // namespace bidline::feeds
