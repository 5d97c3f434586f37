// The guard rails of one connector's feed endpoint in one place: its token
// bucket (requests per second) and its daily quota (units per day). A
// request is admitted only if both allow it; a refusal takes nothing from
// either and gives the Retry-After of the limit that refused.
#pragma once

#include <chrono>
#include <cstdint>

#include "bidline/feeds/daily_quota.h"
#include "bidline/feeds/token_bucket.h"

namespace bidline::feeds {

struct ConnectorLimits {
    double requests_per_second = 50;
    double burst = 100;
    std::int64_t daily_units = 10'000'000;
};

class ConnectorLimiter {
public:
    explicit ConnectorLimiter(ConnectorLimits limits)
        : bucket_(limits.requests_per_second, limits.burst), quota_(limits.daily_units) {}

    // One request carrying `units` (e.g. event lines). False → HTTP 429.
    [[nodiscard]] bool try_admit(TokenBucket::Time mono_now, DailyQuota::Time utc_now, std::int64_t units,
                                 std::int64_t& retry_after_seconds) {
        if (!quota_.fits(utc_now, units, retry_after_seconds)) return false;
        if (!bucket_.try_take(mono_now, 1, retry_after_seconds)) return false;
        return quota_.try_take(utc_now, units, retry_after_seconds);
    }

private:
    TokenBucket bucket_;
    DailyQuota quota_;
};

}  // namespace bidline::feeds
