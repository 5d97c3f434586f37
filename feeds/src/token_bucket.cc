#include "bidline/feeds/token_bucket.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace bidline::feeds {

TokenBucket::TokenBucket(double tokens_per_second, double burst)
    : rate_(tokens_per_second), burst_(burst), tokens_(burst) {
    assert(rate_ > 0 && burst_ > 0);
}

void TokenBucket::refill(Time now) {
    if (!started_) {
        started_ = true;
        last_ = now;
        return;
    }
    if (now <= last_) return;  // a clock that steps back refills nothing
    // Whole nanoseconds first: 600 ms refills exactly 6 tokens at 10/s.
    const auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(elapsed_ns) * rate_ / 1e9);
    last_ = now;
}

bool TokenBucket::try_take(Time now, double n, std::int64_t& retry_after_seconds) {
    refill(now);
    // Oversized requests need a full bucket (and leave debt behind).
    const double needed = std::min(n, burst_);
    if (tokens_ >= needed) {
        tokens_ -= n;
        return true;
    }
    retry_after_seconds = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((needed - tokens_) / rate_)));
    return false;
}

double TokenBucket::available(Time now) {
    refill(now);
    return tokens_;
}

}  // namespace bidline::feeds
