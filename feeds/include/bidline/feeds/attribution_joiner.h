// Joins clicks and conversions to the line item of their impression (by bid
// id, or request id + imp id) within an attribution window, and keeps
// per-hour stats per line item. Events may come in any order: a click that
// arrives before its impression is counted as an orphan at once and adopted
// when the impression (or bid, or win) shows up; an outcome that never finds
// its anchor stays an orphan in the stats, never silently dropped. Every
// event lands in the hour bucket of its own ts, whenever it arrives.
//
// Lives on the control thread, which feeds it de-duplicated events
// (EventDeduper) drained from the shards' rings; not thread-safe.
// Memory is bounded by the two capacities (RotatingKeyTable).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <deque>

#include "bidline/feeds/event.h"
#include "bidline/feeds/rotating_key_table.h"

namespace bidline::feeds {

struct JoinerSettings {
    std::chrono::microseconds click_window = std::chrono::hours{24};
    std::chrono::microseconds conversion_window = std::chrono::hours{24 * 7};
    // Clients' clocks differ: an outcome may carry a ts this much before its
    // impression's and still join.
    std::chrono::microseconds clock_skew = std::chrono::minutes{1};
    std::size_t anchor_capacity = 1 << 20;   // impressions remembered per window (~100 B each)
    std::size_t pending_capacity = 1 << 16;  // early outcomes waiting for their impression
    // Conversion values in another currency are counted, not summed.
    std::string_view account_currency = "USD";
};

enum class JoinStatus : std::uint8_t {
    anchored,  // bid, win or impression: later outcomes can join to it
    joined,    // click or conversion joined to its line item
    orphan,    // click or conversion without a (timely) anchor
    counted,   // loss: counted, nothing to join
    ignored,   // spend report, or an anchor without a line item
};

enum class OrphanReason : std::uint8_t { none, no_anchor, outside_window };

struct JoinResult {
    JoinStatus status = JoinStatus::ignored;
    OrphanReason orphan_reason = OrphanReason::none;
    std::string_view line_item;  // valid for the joiner's lifetime; empty when unknown
    UtcMicros bucket{};          // the event's own hour
    std::uint32_t orphans_adopted = 0;  // earlier outcomes this anchor joined
    // Of those: clicks, conversions and their value (account currency), and
    // how many had named this anchor's line item when they arrived (so a
    // per-line-item orphan count can move to joined).
    std::uint32_t adopted_clicks = 0, adopted_conversions = 0;
    std::uint32_t adopted_clicks_named = 0, adopted_conversions_named = 0;
    Micros adopted_value;
};

struct HourStats {
    std::int64_t bids = 0;
    std::int64_t wins = 0;
    std::int64_t losses = 0;
    std::int64_t impressions = 0;
    std::int64_t clicks = 0;
    std::int64_t conversions = 0;
    Micros spend;             // sum of win prices
    Micros conversion_value;  // in the account currency
    std::int64_t foreign_currency_conversions = 0;
    // Only in the unattributed bucket (line item ""): outcomes without a
    // line item, minus those adopted later.
    std::int64_t orphan_clicks = 0;
    std::int64_t orphan_conversions = 0;
    bool operator==(const HourStats&) const = default;
};

class AttributionJoiner {
public:
    explicit AttributionJoiner(JoinerSettings settings = {});

    // `now` is the arrival time: it ages the anchor tables.
    JoinResult on_event(const Event& event, UtcMicros now);

    // Stats of one line item ("" for orphans) in the hour starting at `hour`.
    HourStats stats(std::string_view line_item, UtcMicros hour) const;
    // Every (hour, line item) with stats, in hour order.
    template <class Fn>
    void for_each_bucket(Fn&& fn) const {
        for (const auto& [key, s] : stats_) fn(key.hour, std::string_view(line_items_[key.line_item]), s);
    }
    // Frees the buckets before `hour`, once the control loop has read them.
    void drop_buckets_before(UtcMicros hour);

    std::int64_t open_orphans() const { return open_orphans_; }
    // Outcomes that found no room to wait for their anchor: orphans for good.
    std::uint64_t pending_overflow() const { return pending_overflow_; }

private:
    using LineItemIndex = std::uint32_t;  // 0 is "" (unattributed)

    struct Anchor {
        UtcMicros ts{};
        LineItemIndex line_item = 0;
    };
    struct Outcome {
        UtcMicros ts{};
        Micros value;
        EventKind kind = EventKind::click;
        bool foreign_currency = false;
        LineItemIndex named = 0;  // the line item the outcome named, if any
    };
    struct Pending {
        std::uint8_t count = 0;
        Outcome outcomes[2];
    };
    struct BucketKey {
        UtcMicros hour;
        LineItemIndex line_item;
        auto operator<=>(const BucketKey&) const = default;
    };
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    JoinResult on_anchor(const Event& e, UtcMicros now);
    JoinResult on_outcome(const Event& e, UtcMicros now);
    bool within_window(const Outcome& o, UtcMicros anchor_ts) const;
    void count_outcome(LineItemIndex line_item, const Outcome& o, int sign);
    LineItemIndex intern(std::string_view line_item);
    HourStats& bucket(UtcMicros ts, LineItemIndex line_item);

    JoinerSettings settings_;
    RotatingKeyTable<Anchor> anchors_;
    RotatingKeyTable<Pending> pending_;
    std::deque<std::string> line_items_;  // a deque: JoinResult views must not move
    std::unordered_map<std::string, LineItemIndex, TextHash, std::equal_to<>> line_item_index_;
    std::map<BucketKey, HourStats> stats_;
    std::int64_t open_orphans_ = 0;
    std::uint64_t pending_overflow_ = 0;
};

}  // namespace bidline::feeds
