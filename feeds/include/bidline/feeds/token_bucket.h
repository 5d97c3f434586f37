// Per-connector request rate limit: a token bucket refilled at `rate` per
// second up to `burst`. The caller passes the time (tests use a manual
// clock). A request larger than the burst is let through when the bucket is
// full and leaves it in debt, so a big batch is neither refused forever nor
// free. Single-threaded: one bucket per shard per connector (give each
// shard rate / shard count) or one on whichever thread admits requests.
#pragma once

#include <chrono>
#include <cstdint>

namespace bidline::feeds {

class TokenBucket {
public:
    using Time = std::chrono::steady_clock::time_point;

    TokenBucket(double tokens_per_second, double burst);

    // Takes `n` tokens and returns true, or returns false and sets
    // `retry_after_seconds` (≥ 1, for the Retry-After header).
    [[nodiscard]] bool try_take(Time now, double n, std::int64_t& retry_after_seconds);

    double available(Time now);

private:
    void refill(Time now);

    double rate_;
    double burst_;
    double tokens_;
    Time last_{};
    bool started_ = false;
};

}  // namespace bidline::feeds
