// Token buckets and daily quotas on a manual clock: exact admits, refusals
// and Retry-After values, no sleeping.
#include <gtest/gtest.h>

#include "bidline/feeds/connector_limiter.h"

namespace bidline::feeds {
namespace {

using namespace std::chrono;

const TokenBucket::Time m0{};
const DailyQuota::Time d0{sys_days{year{2026} / 11 / 23} + hours{23}};

TEST(TokenBucket, BurstThenRefillAtTheRate) {
    TokenBucket bucket(10, 5);
    std::int64_t retry = 0;
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.try_take(m0, 1, retry));
    EXPECT_FALSE(bucket.try_take(m0, 1, retry));
    EXPECT_EQ(retry, 1);  // 0.1 s rounds up to the header's whole second
    EXPECT_TRUE(bucket.try_take(m0 + milliseconds{100}, 1, retry));
    EXPECT_FALSE(bucket.try_take(m0 + milliseconds{100}, 1, retry));
    EXPECT_TRUE(bucket.try_take(m0 + seconds{10}, 5, retry));  // refilled, capped at the burst
    EXPECT_FALSE(bucket.try_take(m0 + seconds{10}, 1, retry));
}

TEST(TokenBucket, RetryAfterCoversTheMissingTokens) {
    TokenBucket bucket(1, 30);
    std::int64_t retry = 0;
    EXPECT_TRUE(bucket.try_take(m0, 30, retry));
    EXPECT_FALSE(bucket.try_take(m0 + seconds{2}, 12, retry));
    EXPECT_EQ(retry, 10);
}

TEST(TokenBucket, OversizedRequestNeedsAFullBucketAndLeavesDebt) {
    TokenBucket bucket(10, 10);
    std::int64_t retry = 0;
    EXPECT_TRUE(bucket.try_take(m0, 25, retry));
    EXPECT_DOUBLE_EQ(bucket.available(m0), -15);
    EXPECT_FALSE(bucket.try_take(m0 + seconds{1}, 1, retry));  // -5 now
    EXPECT_EQ(retry, 1);
    EXPECT_TRUE(bucket.try_take(m0 + milliseconds{1600}, 1, retry));
}

TEST(DailyQuota, RefusesUntilMidnightUtc) {
    DailyQuota quota(100);
    std::int64_t retry = 0;
    EXPECT_TRUE(quota.try_take(d0, 60, retry));
    EXPECT_TRUE(quota.try_take(d0, 40, retry));
    EXPECT_FALSE(quota.try_take(d0 + minutes{30}, 1, retry));
    EXPECT_EQ(retry, 30 * 60);
    EXPECT_EQ(quota.used_today(d0), 100);
    EXPECT_TRUE(quota.try_take(d0 + hours{1}, 100, retry));  // a new UTC day
}

TEST(ConnectorLimiter, RefusalTakesNothingFromEitherLimit) {
    ConnectorLimiter limiter(ConnectorLimits{.requests_per_second = 1, .burst = 2, .daily_units = 10});
    std::int64_t retry = 0;
    EXPECT_FALSE(limiter.try_admit(m0, d0, 11, retry));  // over quota: no token spent
    EXPECT_EQ(retry, 3600);
    EXPECT_TRUE(limiter.try_admit(m0, d0, 5, retry));
    EXPECT_TRUE(limiter.try_admit(m0, d0, 5, retry));
    EXPECT_FALSE(limiter.try_admit(m0, d0, 0, retry));  // out of tokens
    EXPECT_EQ(retry, 1);
    EXPECT_FALSE(limiter.try_admit(m0 + seconds{5}, d0, 1, retry));  // tokens back, quota spent
    EXPECT_EQ(retry, 3600);
}

}  // namespace
}  // namespace bidline::feeds
