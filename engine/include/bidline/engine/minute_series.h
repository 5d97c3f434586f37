// Per-line-item time series in one-minute buckets over the last 24 hours
// (spend, bids, wins, clicks), for /v1/stats and /v1/stats/series.
//
// Stored by minute, sparsely: each finished minute becomes one immutable
// MinuteColumn holding only the line items that had activity in it, and the
// writer and every published frame share those columns. Memory follows
// activity (24 B per active line-item-minute) instead of a 46 KB ring per
// line item, and publishing copies 1,440 pointers instead of the data (the
// rings and their published copy took 920 MB at 10,000 line items).
//
// Threads: the control thread owns a LineItemSeries: it feeds cumulative
// ledger figures in each tick (observe) and publishes a frozen SeriesFrame
// once a minute (and on demand); any thread may read the published frame
// (published()), e.g. a shard answering /v1/stats/series. Feeding
// cumulative figures rather than increments means a tick that is skipped
// or late never loses counts: the difference lands in the current minute.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "bidline/engine/snapshot.h"

namespace bidline {

class JsonWriter;

// What one minute holds (increments), or a cumulative reading of the ledger.
struct MinuteSample {
    std::int64_t spend_micros = 0;
    std::uint64_t bids = 0, wins = 0, clicks = 0;
};

// The line items with activity in one minute, by ascending index.
// Immutable once sealed. Counts are 32-bit per line item and minute (a
// minute's count above 2^32 - 1, which only a recovered ledger's first
// reading could reach, is capped there).
struct MinuteColumn {
    struct Entry {
        std::int64_t spend_micros;
        std::uint32_t index, bids, wins, clicks;
    };
    std::int64_t minute = 0;
    std::vector<Entry> entries;

    MinuteSample at(std::uint32_t index) const;  // zero when the line item was quiet
};

// Minutes are UTC minute numbers (microseconds since the epoch / 60e6).
inline constexpr int kSeriesMinutes = 24 * 60;

// The last 24 h, frozen at a minute; readers on any thread.
class SeriesFrame {
public:
    std::int64_t now_minute() const { return now_minute_; }
    // Line item `index` at `minute`: zero for a quiet minute, outside the 24 h
    // ending at now_minute(), or before the line item's recording began.
    MinuteSample at(std::uint32_t index, std::int64_t minute) const;
    // When recording of line item `index` began (-1: never).
    std::int64_t first_minute(std::uint32_t index) const;

private:
    friend class LineItemSeries;
    std::int64_t now_minute_ = 0;
    std::vector<std::shared_ptr<const MinuteColumn>> ring_;  // by minute mod kSeriesMinutes
    std::shared_ptr<const MinuteColumn> current_;            // the minute being filled, as at publication
    std::vector<std::int64_t> first_minute_;                 // by line item index
};

class LineItemSeries {
public:
    LineItemSeries();

    // Control thread: the ledger's cumulative figures for line item `index`
    // at `now_us`; the increase since the last call goes into this minute.
    // Time moving backwards is folded into the newest minute.
    void observe(std::uint32_t index, std::int64_t now_us, const MinuteSample& cumulative);
    // Control thread: publishes a frozen frame if the minute changed since
    // the last publication (or `now`). Cheap when nothing changed.
    enum class Publish : std::uint8_t { if_minute_changed, now };
    void publish(std::int64_t now_us, Publish when = Publish::if_minute_changed);

    // Control thread: the last `minutes` buckets of line item `index` as
    // columnar JSON (see write_series_json), current to the last observe.
    void write_json(JsonWriter& j, std::uint32_t index, std::int64_t now_us, int minutes) const;

    // Control thread: line item `index`'s sums over minutes [first, last],
    // current to the last observe (the alert rules' windows).
    MinuteSample sum(std::uint32_t index, std::int64_t first_minute, std::int64_t last_minute) const;

    // Any thread.
    std::shared_ptr<const SeriesFrame> published() const { return published_.load(); }

private:
    MinuteSample at(std::uint32_t index, std::int64_t minute) const;
    void roll_to(std::int64_t minute);
    std::shared_ptr<const MinuteColumn> seal() const;

    std::vector<std::shared_ptr<const MinuteColumn>> ring_;  // finished minutes, by minute mod kSeriesMinutes
    std::int64_t minute_ = -1;                               // the minute being filled (-1 before the first observe)
    std::vector<MinuteSample> current_;                      // its counts, by line item index
    std::vector<std::int64_t> first_minute_;                 // by line item index; -1: not observed yet
    std::vector<MinuteSample> last_cumulative_;
    std::int64_t published_minute_ = -1;
    Snapshot<SeriesFrame> published_{std::make_shared<const SeriesFrame>()};
};

std::int64_t minute_of(std::int64_t us);

// Writes {"start_minute":M,"minutes":N,"spend_micros":[...],"bids":[...],
// "wins":[...],"clicks":[...]} for line item `index` over the `minutes`
// minutes ending at frame.now_minute() (inclusive), clipped to when its
// recording began. start_minute is a UTC minute number: multiply by 60 for
// Unix seconds.
void write_series_json(JsonWriter& j, const SeriesFrame& frame, std::uint32_t index, int minutes);

}  // namespace bidline
