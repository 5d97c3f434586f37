#include "bidline/engine/platform_report_book.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace bidline {
namespace {

// "2026-11-23T15:00:00Z"
std::string utc_text(std::int64_t us) {
    using namespace std::chrono;
    const sys_time<microseconds> t{microseconds{us}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{duration_cast<seconds>(t - day)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

}  // namespace

PlatformReportBook::Outcome PlatformReportBook::record(const feeds::Event& event) {
    std::lock_guard lock(mu_);
    if (seen_.contains(std::string(event.event_id.view()))) return Outcome::duplicate;
    add_locked(event);
    return Outcome::recorded;
}

void PlatformReportBook::add_locked(const feeds::Event& e) {
    seen_.emplace(e.event_id.view());
    // A later revision of the same bucket replaces it: platforms restate.
    rows_[Key{std::string(e.campaign_id.view()), e.platform, e.spend.bucket_start.time_since_epoch().count(),
              e.spend.granularity}] = e.spend;
}

PlatformReportBook::ReportedSpend PlatformReportBook::spend_between(std::string_view campaign,
                                                                   feeds::Platform platform, std::int64_t from_us,
                                                                   std::int64_t to_us) const {
    constexpr std::int64_t kHourUs = 3'600'000'000, kDayUs = 24 * kHourUs;
    ReportedSpend hours, days;
    std::lock_guard lock(mu_);
    for (auto it = rows_.lower_bound(Key{std::string(campaign), platform, from_us, feeds::Granularity::hour});
         it != rows_.end() && it->first.campaign == campaign && it->first.platform == platform &&
         it->first.bucket_us < to_us;
         ++it) {
        const bool hour = it->first.granularity == feeds::Granularity::hour;
        ReportedSpend& r = hour ? hours : days;
        r.spend_micros += it->second.spend.value();
        r.covered_until_us = std::max(r.covered_until_us, it->first.bucket_us + (hour ? kHourUs : kDayUs));
        ++r.rows;
    }
    return days.spend_micros > hours.spend_micros ? days : hours;
}

void PlatformReportBook::write_json(JsonWriter& j) const {
    std::lock_guard lock(mu_);
    j.begin_array();
    auto it = rows_.begin();
    while (it != rows_.end()) {
        const std::string& campaign = it->first.campaign;
        const feeds::Platform platform = it->first.platform;
        std::int64_t spend = 0, impressions = 0, clicks = 0, value = 0;
        double conversions = 0;
        std::uint64_t rows = 0;
        std::vector<std::int64_t> hours, days;
        for (; it != rows_.end() && it->first.campaign == campaign && it->first.platform == platform; ++it) {
            const feeds::SpendFigures& f = it->second;
            spend += f.spend.value();
            impressions += f.impressions;
            clicks += f.clicks;
            conversions += f.conversions;
            value += f.conversion_value.value();
            ++rows;
            (it->first.granularity == feeds::Granularity::hour ? hours : days).push_back(it->first.bucket_us);
        }
        j.begin_object()
            .field("campaign", campaign)
            .field("platform", feeds::to_string(platform))
            .field("spend", static_cast<double>(spend) / 1e6)
            .field("spend_micros", spend)
            .field("impressions", impressions)
            .field("clicks", clicks)
            .field("conversions", conversions)
            .field("conversion_value", static_cast<double>(value) / 1e6)
            .field("conversion_value_micros", value)
            .field("rows", rows);
        // Bucket starts in UTC; day rows start at the account's local midnight.
        j.key("hours").begin_array();
        for (std::int64_t h : hours) j.value(utc_text(h));
        j.end_array();
        j.key("days").begin_array();
        for (std::int64_t d : days) j.value(utc_text(d));
        j.end_array();
        j.end_object();
    }
    j.end_array();
}

}  // namespace bidline
