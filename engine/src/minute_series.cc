#include "bidline/engine/minute_series.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "bidline/engine/json_writer.h"

namespace bidline {

std::int64_t minute_of(std::int64_t us) {
    constexpr std::int64_t kUsPerMinute = 60'000'000;
    return us >= 0 ? us / kUsPerMinute : (us - kUsPerMinute + 1) / kUsPerMinute;
}

namespace {

std::size_t slot(std::int64_t minute) {
    const std::int64_t m = minute % kSeriesMinutes;
    return static_cast<std::size_t>(m < 0 ? m + kSeriesMinutes : m);
}

std::uint32_t capped(std::uint64_t count) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(count, std::numeric_limits<std::uint32_t>::max()));
}

MinuteSample in_ring(const std::vector<std::shared_ptr<const MinuteColumn>>& ring, std::uint32_t index,
                     std::int64_t minute) {
    if (ring.empty()) return {};
    // A slot may still hold the column of a day earlier: the minute must match.
    const MinuteColumn* c = ring[slot(minute)].get();
    return c != nullptr && c->minute == minute ? c->at(index) : MinuteSample{};
}

bool recorded(const std::vector<std::int64_t>& first_minute, std::uint32_t index, std::int64_t minute) {
    return index < first_minute.size() && first_minute[index] >= 0 && minute >= first_minute[index];
}

// The JSON of write_series_json; `at(minute)` reads one bucket.
template <class At>
void write_columns(JsonWriter& j, std::int64_t first_minute, std::int64_t now_minute, int minutes, At at) {
    minutes = std::clamp(minutes, 1, kSeriesMinutes);
    std::int64_t start = now_minute - minutes + 1;
    if (first_minute >= 0) start = std::max(start, first_minute);
    if (first_minute < 0 || start > now_minute) start = now_minute + 1;  // nothing recorded yet
    j.begin_object().field("start_minute", start).field("minutes", now_minute + 1 - start);
    auto column = [&](std::string_view name, auto get) {
        j.key(name).begin_array();
        for (std::int64_t m = start; m <= now_minute; ++m) j.value(get(at(m)));
        j.end_array();
    };
    column("spend_micros", [](const MinuteSample& b) { return b.spend_micros; });
    column("bids", [](const MinuteSample& b) { return b.bids; });
    column("wins", [](const MinuteSample& b) { return b.wins; });
    column("clicks", [](const MinuteSample& b) { return b.clicks; });
    j.end_object();
}

}  // namespace

MinuteSample MinuteColumn::at(std::uint32_t index) const {
    if (entries.empty() || index > entries.back().index) return {};
    // Indices are distinct and ascending, so the entry for `index` sits at a
    // position <= index and >= index - (indices missing below the last one):
    // when most line items are active, a search of one or two entries.
    const std::size_t missing = entries.back().index + 1 - entries.size();
    const auto lo = entries.begin() + static_cast<std::ptrdiff_t>(index > missing ? index - missing : 0);
    const auto hi = entries.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(index + 1, entries.size()));
    const auto it = std::lower_bound(lo, hi, index, [](const Entry& e, std::uint32_t i) { return e.index < i; });
    if (it == hi || it->index != index) return {};
    return {it->spend_micros, it->bids, it->wins, it->clicks};
}

MinuteSample SeriesFrame::at(std::uint32_t index, std::int64_t minute) const {
    if (minute > now_minute_ || minute <= now_minute_ - kSeriesMinutes || !recorded(first_minute_, index, minute))
        return {};
    if (current_ && current_->minute == minute) return current_->at(index);
    return in_ring(ring_, index, minute);
}

std::int64_t SeriesFrame::first_minute(std::uint32_t index) const {
    return index < first_minute_.size() ? first_minute_[index] : -1;
}

LineItemSeries::LineItemSeries() : ring_(kSeriesMinutes) {}

void LineItemSeries::observe(std::uint32_t index, std::int64_t now_us, const MinuteSample& cumulative) {
    const std::int64_t minute = minute_of(now_us);
    if (minute > minute_) roll_to(minute);  // an earlier minute (clock stepped back) counts in the newest
    if (index >= current_.size()) {
        current_.resize(index + 1);
        last_cumulative_.resize(index + 1);
        first_minute_.resize(index + 1, -1);
    }
    if (first_minute_[index] < 0) first_minute_[index] = minute_;
    MinuteSample& last = last_cumulative_[index];
    // Cumulative figures only grow; a smaller one means a reset: count from it.
    const MinuteSample delta{cumulative.spend_micros >= last.spend_micros ? cumulative.spend_micros - last.spend_micros
                                                                          : cumulative.spend_micros,
                             cumulative.bids >= last.bids ? cumulative.bids - last.bids : cumulative.bids,
                             cumulative.wins >= last.wins ? cumulative.wins - last.wins : cumulative.wins,
                             cumulative.clicks >= last.clicks ? cumulative.clicks - last.clicks : cumulative.clicks};
    last = cumulative;
    MinuteSample& b = current_[index];
    b.spend_micros += delta.spend_micros;
    b.bids += delta.bids;
    b.wins += delta.wins;
    b.clicks += delta.clicks;
}

// Seals the minute being filled into the ring and starts `minute`.
void LineItemSeries::roll_to(std::int64_t minute) {
    if (minute_ >= 0) {
        ring_[slot(minute_)] = seal();
        // Minutes without a tick were quiet; a slot in the new window may still
        // hold a column from a day earlier (at most a day's slots to clear).
        for (std::int64_t m = std::max(minute_ + 1, minute - kSeriesMinutes + 1); m <= minute; ++m)
            ring_[slot(m)].reset();
        std::fill(current_.begin(), current_.end(), MinuteSample{});
    }
    minute_ = minute;
}

// The minute being filled as a column of its active line items (null when
// none was), sized exactly: columns live for a day.
std::shared_ptr<const MinuteColumn> LineItemSeries::seal() const {
    auto active = [](const MinuteSample& s) {
        return s.spend_micros != 0 || s.bids != 0 || s.wins != 0 || s.clicks != 0;
    };
    const auto n = static_cast<std::size_t>(std::count_if(current_.begin(), current_.end(), active));
    if (n == 0) return nullptr;
    auto column = std::make_shared<MinuteColumn>();
    column->minute = minute_;
    column->entries.reserve(n);
    for (std::uint32_t i = 0; i < current_.size(); ++i) {
        const MinuteSample& s = current_[i];
        if (active(s)) column->entries.push_back({s.spend_micros, i, capped(s.bids), capped(s.wins), capped(s.clicks)});
    }
    return column;
}

void LineItemSeries::publish(std::int64_t now_us, Publish when) {
    const std::int64_t minute = minute_of(now_us);
    if (when == Publish::if_minute_changed && minute == published_minute_) return;
    published_minute_ = minute;
    auto frame = std::make_shared<SeriesFrame>();
    frame->now_minute_ = minute;
    frame->ring_ = ring_;  // pointers: the columns are shared, not copied
    frame->current_ = seal();
    frame->first_minute_ = first_minute_;
    published_.publish(std::move(frame));
}

MinuteSample LineItemSeries::at(std::uint32_t index, std::int64_t minute) const {
    if (minute > minute_ || !recorded(first_minute_, index, minute)) return {};
    if (minute == minute_) return current_[index];
    return in_ring(ring_, index, minute);
}

MinuteSample LineItemSeries::sum(std::uint32_t index, std::int64_t first_minute, std::int64_t last_minute) const {
    MinuteSample total;
    first_minute = std::max(first_minute, minute_ - kSeriesMinutes + 1);  // older minutes left the ring
    for (std::int64_t m = first_minute; m <= last_minute; ++m) {
        const MinuteSample s = at(index, m);
        total.spend_micros += s.spend_micros;
        total.bids += s.bids;
        total.wins += s.wins;
        total.clicks += s.clicks;
    }
    return total;
}

void LineItemSeries::write_json(JsonWriter& j, std::uint32_t index, std::int64_t now_us, int minutes) const {
    const std::int64_t now_minute = minute_of(now_us);
    const std::int64_t first = index < first_minute_.size() ? first_minute_[index] : -1;
    write_columns(j, first, now_minute, minutes, [&](std::int64_t m) { return at(index, m); });
}

void write_series_json(JsonWriter& j, const SeriesFrame& frame, std::uint32_t index, int minutes) {
    write_columns(j, frame.first_minute(index), frame.now_minute(), minutes,
                  [&](std::int64_t m) { return frame.at(index, m); });
}

}  // namespace bidline
