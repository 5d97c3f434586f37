// Per-line-item time series in one-minute buckets over the last 24 hours
// (spend, bids, wins, clicks), for /v1/stats and /v1/stats/series.
//
// Threads: the control thread owns a LineItemSeries: it feeds cumulative
// ledger figures in each tick (observe) and publishes a frozen copy once a
// minute (and on demand); any thread may read the published copy
// (published()), e.g. a shard answering /v1/stats/series. Feeding
// cumulative figures rather than increments means a tick that is skipped
// or late never loses counts: the difference lands in the current minute.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "bidline/engine/snapshot.h"

namespace bidline {

class JsonWriter;

// What one minute holds (increments), or a cumulative reading of the ledger.
struct MinuteSample {
    std::int64_t spend_micros = 0;
    std::uint64_t bids = 0, wins = 0, clicks = 0;
};

// A ring of kMinutes buckets for one line item. Minutes are UTC minute
// numbers (microseconds since the epoch / 60e6). Time moving backwards is
// folded into the current minute.
class MinuteSeries {
public:
    static constexpr int kMinutes = 24 * 60;

    // Adds `delta` to minute `minute`, clearing buckets skipped since the last call.
    void add(std::int64_t minute, const MinuteSample& delta);
    // The bucket for `minute`, zero if it is outside the window or never written.
    MinuteSample at(std::int64_t minute) const;
    // The latest minute written (-1 before the first add).
    std::int64_t last_minute() const { return last_minute_; }
    std::int64_t first_minute() const { return first_minute_; }

private:
    std::vector<MinuteSample> ring_ = std::vector<MinuteSample>(kMinutes);
    std::int64_t first_minute_ = -1;  // when recording began: earlier minutes are unknown, not zero
    std::int64_t last_minute_ = -1;
};

// Frozen series of all line items, published for readers on other threads.
struct SeriesFrame {
    std::int64_t now_minute = 0;
    std::vector<MinuteSeries> line_items;  // by dense line item index
};

class LineItemSeries {
public:
    // Control thread: the ledger's cumulative figures for line item `index`
    // at `now_us`; the increase since the last call goes into this minute.
    void observe(std::uint32_t index, std::int64_t now_us, const MinuteSample& cumulative);
    // Control thread: publishes a frozen copy if the minute changed since
    // the last publication (or `force`). Cheap when nothing changed.
    enum class Publish : std::uint8_t { if_minute_changed, now };
    void publish(std::int64_t now_us, Publish when = Publish::if_minute_changed);

    // Control thread: the last `minutes` buckets of line item `index` as
    // columnar JSON (see write_series_json).
    void write_json(JsonWriter& j, std::uint32_t index, std::int64_t now_us, int minutes) const;

    // Any thread.
    std::shared_ptr<const SeriesFrame> published() const { return published_.load(); }

private:
    std::vector<MinuteSeries> series_;
    std::vector<MinuteSample> last_cumulative_;
    std::int64_t published_minute_ = -1;
    Snapshot<SeriesFrame> published_{std::make_shared<const SeriesFrame>()};
};

std::int64_t minute_of(std::int64_t us);

// Writes {"start_minute":M,"minutes":N,"spend_micros":[...],"bids":[...],
// "wins":[...],"clicks":[...]} for the `minutes` minutes ending at
// `now_minute` (inclusive), clipped to when recording began. start_minute is
// a UTC minute number: multiply by 60 for Unix seconds.
void write_series_json(JsonWriter& j, const MinuteSeries& s, std::int64_t now_minute, int minutes);

}  // namespace bidline
