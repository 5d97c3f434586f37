#include "bidline/engine/minute_series.h"

#include <algorithm>

#include "bidline/engine/json_writer.h"

namespace bidline {

std::int64_t minute_of(std::int64_t us) {
    constexpr std::int64_t kUsPerMinute = 60'000'000;
    return us >= 0 ? us / kUsPerMinute : (us - kUsPerMinute + 1) / kUsPerMinute;
}

namespace {
std::size_t slot(std::int64_t minute) {
    const std::int64_t m = minute % MinuteSeries::kMinutes;
    return static_cast<std::size_t>(m < 0 ? m + MinuteSeries::kMinutes : m);
}
}  // namespace

void MinuteSeries::add(std::int64_t minute, const MinuteSample& delta) {
    if (last_minute_ < 0) {
        first_minute_ = last_minute_ = minute;
        ring_[slot(minute)] = {};
    } else if (minute < last_minute_) {
        minute = last_minute_;  // clock stepped back: keep the counts, in the newest bucket
    } else if (minute > last_minute_) {
        const std::int64_t gap = std::min<std::int64_t>(minute - last_minute_, kMinutes);
        for (std::int64_t m = minute - gap + 1; m <= minute; ++m) ring_[slot(m)] = {};
        last_minute_ = minute;
    }
    MinuteSample& b = ring_[slot(minute)];
    b.spend_micros += delta.spend_micros;
    b.bids += delta.bids;
    b.wins += delta.wins;
    b.clicks += delta.clicks;
}

MinuteSample MinuteSeries::at(std::int64_t minute) const {
    if (last_minute_ < 0 || minute > last_minute_ || minute <= last_minute_ - kMinutes || minute < first_minute_)
        return {};
    return ring_[slot(minute)];
}

void LineItemSeries::observe(std::uint32_t index, std::int64_t now_us, const MinuteSample& cumulative) {
    if (index >= series_.size()) {
        series_.resize(index + 1);
        last_cumulative_.resize(index + 1);
    }
    MinuteSample& last = last_cumulative_[index];
    // Cumulative figures only grow; a smaller one means a reset: count from it.
    const MinuteSample delta{
        cumulative.spend_micros >= last.spend_micros ? cumulative.spend_micros - last.spend_micros : cumulative.spend_micros,
        cumulative.bids >= last.bids ? cumulative.bids - last.bids : cumulative.bids,
        cumulative.wins >= last.wins ? cumulative.wins - last.wins : cumulative.wins,
        cumulative.clicks >= last.clicks ? cumulative.clicks - last.clicks : cumulative.clicks};
    last = cumulative;
    series_[index].add(minute_of(now_us), delta);
}

void LineItemSeries::publish(std::int64_t now_us, Publish when) {
    const std::int64_t minute = minute_of(now_us);
    if (when == Publish::if_minute_changed && minute == published_minute_) return;
    published_minute_ = minute;
    auto frame = std::make_shared<SeriesFrame>();
    frame->now_minute = minute;
    frame->line_items = series_;
    published_.publish(std::move(frame));
}

void LineItemSeries::write_json(JsonWriter& j, std::uint32_t index, std::int64_t now_us, int minutes) const {
    static const MinuteSeries kEmpty;
    write_series_json(j, index < series_.size() ? series_[index] : kEmpty, minute_of(now_us), minutes);
}

void write_series_json(JsonWriter& j, const MinuteSeries& s, std::int64_t now_minute, int minutes) {
    minutes = std::clamp(minutes, 1, MinuteSeries::kMinutes);
    std::int64_t start = now_minute - minutes + 1;
    if (s.first_minute() >= 0) start = std::max(start, s.first_minute());
    if (s.first_minute() < 0 || start > now_minute) start = now_minute + 1;  // nothing recorded yet
    j.begin_object().field("start_minute", start).field("minutes", now_minute + 1 - start);
    auto column = [&](std::string_view name, auto get) {
        j.key(name).begin_array();
        for (std::int64_t m = start; m <= now_minute; ++m) j.value(get(s.at(m)));
        j.end_array();
    };
    column("spend_micros", [](const MinuteSample& b) { return b.spend_micros; });
    column("bids", [](const MinuteSample& b) { return b.bids; });
    column("wins", [](const MinuteSample& b) { return b.wins; });
    column("clicks", [](const MinuteSample& b) { return b.clicks; });
    j.end_object();
}

}  // namespace bidline
