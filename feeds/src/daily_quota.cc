#include "bidline/feeds/daily_quota.h"

#include <algorithm>

namespace bidline::feeds {

void DailyQuota::roll(Time now) {
    const auto today = std::chrono::floor<std::chrono::days>(now);
    if (today != day_) {
        day_ = today;
        used_ = 0;
    }
}

bool DailyQuota::fits(Time now, std::int64_t n, std::int64_t& retry_after_seconds) {
    roll(now);
    if (used_ + n <= limit_) return true;
    const auto until_midnight = std::chrono::ceil<std::chrono::seconds>(Time{day_ + std::chrono::days{1}} - now);
    retry_after_seconds = std::max<std::int64_t>(1, until_midnight.count());
    return false;
}

bool DailyQuota::try_take(Time now, std::int64_t n, std::int64_t& retry_after_seconds) {
    if (!fits(now, n, retry_after_seconds)) return false;
    used_ += n;
    return true;
}

std::int64_t DailyQuota::used_today(Time now) {
    roll(now);
    return used_;
}

}  // namespace bidline::feeds
