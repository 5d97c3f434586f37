#include "bidline/engine/daily_series.h"

namespace bidline {

std::int64_t utc_day(std::int64_t us) {
    constexpr std::int64_t kUsPerDay = 86'400'000'000;
    return us >= 0 ? us / kUsPerDay : (us - kUsPerDay + 1) / kUsPerDay;
}

void DailySeriesRecorder::add(const std::string& campaign, std::uint32_t line_item, std::int64_t now_us,
                              CampaignDay cumulative) {
    if (line_item >= last_.size()) {
        last_.resize(line_item + 1);
        seen_.resize(line_item + 1, 0);
    }
    CampaignDay& last = last_[line_item];
    if (seen_[line_item]) {
        const std::int64_t spend = cumulative.spend_micros - last.spend_micros;
        const std::uint64_t conversions = cumulative.conversions - last.conversions;
        const std::int64_t value = cumulative.value_micros - last.value_micros;
        std::int64_t spend_today = spend, value_today = value;
        std::uint64_t conversions_today = conversions;
        // Late wins and conversions go to their own day; the rest of the growth to today.
        for (const LateGrowth& g : late_) {
            if (g.line_item != line_item) continue;
            CampaignDay& day = series_.campaigns[campaign][g.day];
            day.spend_micros += g.delta.spend_micros;
            day.conversions += g.delta.conversions;
            day.value_micros += g.delta.value_micros;
            spend_today -= g.delta.spend_micros;
            conversions_today -= g.delta.conversions;
            value_today -= g.delta.value_micros;
            dirty_ = true;
        }
        if (spend_today != 0 || conversions_today != 0 || value_today != 0) {
            CampaignDay& day = series_.campaigns[campaign][utc_day(now_us)];
            day.spend_micros += spend_today;
            day.conversions += conversions_today;
            day.value_micros += value_today;
            dirty_ = true;
        }
    }
    seen_[line_item] = 1;  // the first tick (recovered ledger, new line item) only sets the baseline
    last = cumulative;
}

void DailySeriesRecorder::note_late(std::uint32_t line_item, std::int64_t event_day, CampaignDay delta) {
    late_.push_back({line_item, event_day, delta});
}

void DailySeriesRecorder::maybe_publish(std::int64_t now_us) {
    late_.clear();  // consumed by this record() (or part of a first tick's baseline)
    const std::int64_t day = utc_day(now_us);
    // Copying the series allocates: at most once a second, and only on change.
    if (!dirty_ && day == last_publish_day_) return;
    if (day == last_publish_day_ && now_us - last_publish_us_ < 1'000'000) return;
    published_.publish(std::make_shared<const DailySeries>(series_));
    last_publish_us_ = now_us;
    last_publish_day_ = day;
    dirty_ = false;
}

}  // namespace bidline
