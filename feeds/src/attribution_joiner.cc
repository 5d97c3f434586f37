#include "bidline/feeds/attribution_joiner.h"

#include <algorithm>

#include "bidline/feeds/event_keys.h"
#include "bidline/feeds/time_text.h"

namespace bidline::feeds {

AttributionJoiner::AttributionJoiner(JoinerSettings settings)
    : settings_(settings),
      // Anchors live as long as the longer window; outcomes wait as long.
      anchors_(settings.anchor_capacity, std::max(settings.click_window, settings.conversion_window)),
      pending_(settings.pending_capacity, std::max(settings.click_window, settings.conversion_window)) {
    line_items_.emplace_back();
    line_item_index_.emplace("", 0);
}

JoinResult AttributionJoiner::on_event(const Event& e, UtcMicros now) {
    anchors_.advance(now);
    pending_.advance(now);
    switch (e.kind) {
        case EventKind::bid:
        case EventKind::win:
        case EventKind::impression: return on_anchor(e, now);
        case EventKind::click:
        case EventKind::conversion: return on_outcome(e, now);
        case EventKind::loss: {
            const LineItemIndex li = intern(e.line_item_id.view());
            ++bucket(e.ts, li).losses;
            return {.status = JoinStatus::counted, .line_item = line_items_[li], .bucket = hour_bucket(e.ts)};
        }
        case EventKind::spend_report: break;
    }
    return {.status = JoinStatus::ignored, .bucket = hour_bucket(e.ts)};
}

JoinResult AttributionJoiner::on_anchor(const Event& e, UtcMicros now) {
    const LineItemIndex li = intern(e.line_item_id.view());
    HourStats& s = bucket(e.ts, li);
    if (e.kind == EventKind::bid) ++s.bids;
    if (e.kind == EventKind::win) {
        ++s.wins;
        s.spend += e.price;
    }
    if (e.kind == EventKind::impression) ++s.impressions;
    JoinResult result{.status = JoinStatus::anchored, .line_item = line_items_[li], .bucket = hour_bucket(e.ts)};
    const std::uint64_t key = join_key(e);
    if (key == 0 || li == 0) {
        result.status = JoinStatus::ignored;
        return result;
    }
    Anchor* anchor = anchors_.find(key);
    if (anchor == nullptr) {
        anchor = &anchors_.insert(key, now);
        *anchor = Anchor{.ts = e.ts, .line_item = li};
    } else if (e.kind == EventKind::impression) {
        // Attribution counts from the impression the user saw, not the bid.
        *anchor = Anchor{.ts = e.ts, .line_item = li};
    }
    if (Pending* p = pending_.find(key)) {
        const Anchor a = *anchor;
        for (std::uint8_t i = 0; i < p->count; ++i) {
            const Outcome& o = p->outcomes[i];
            if (!within_window(o, a.ts)) continue;  // stays an orphan
            count_outcome(0, o, -1);
            count_outcome(a.line_item, o, +1);
            --open_orphans_;
            ++result.orphans_adopted;
            const bool named = o.named == a.line_item;
            if (o.kind == EventKind::click) {
                ++result.adopted_clicks;
                result.adopted_clicks_named += named;
            } else {
                ++result.adopted_conversions;
                result.adopted_conversions_named += named;
                if (!o.foreign_currency) result.adopted_value += o.value;
            }
        }
        pending_.erase(key);
    }
    return result;
}

JoinResult AttributionJoiner::on_outcome(const Event& e, UtcMicros now) {
    const Outcome outcome{.ts = e.ts,
                          .value = e.value,
                          .kind = e.kind,
                          .foreign_currency = e.currency.view() != settings_.account_currency,
                          .named = e.line_item_id.view().empty() ? LineItemIndex{0} : intern(e.line_item_id.view())};
    JoinResult result{.bucket = hour_bucket(e.ts)};
    const std::uint64_t key = join_key(e);
    if (const Anchor* anchor = key == 0 ? nullptr : anchors_.find(key)) {
        if (within_window(outcome, anchor->ts)) {
            count_outcome(anchor->line_item, outcome, +1);
            result.status = JoinStatus::joined;
            result.line_item = line_items_[anchor->line_item];
            return result;
        }
        result.orphan_reason = OrphanReason::outside_window;
    } else {
        result.orphan_reason = OrphanReason::no_anchor;
        // Wait for the anchor: it may simply be late.
        Pending* p = key == 0 ? nullptr : pending_.find(key);
        if (p == nullptr && key != 0) p = &pending_.insert(key, now);
        if (p != nullptr && p->count < std::size(p->outcomes))
            p->outcomes[p->count++] = outcome;
        else
            ++pending_overflow_;
    }
    count_outcome(0, outcome, +1);
    ++open_orphans_;
    result.status = JoinStatus::orphan;
    return result;
}

bool AttributionJoiner::within_window(const Outcome& o, UtcMicros anchor_ts) const {
    const auto window = o.kind == EventKind::click ? settings_.click_window : settings_.conversion_window;
    return o.ts >= anchor_ts - settings_.clock_skew && o.ts <= anchor_ts + window;
}

void AttributionJoiner::count_outcome(LineItemIndex li, const Outcome& o, int sign) {
    HourStats& s = bucket(o.ts, li);
    const bool click = o.kind == EventKind::click;
    if (li == 0) {
        (click ? s.orphan_clicks : s.orphan_conversions) += sign;
        return;
    }
    if (click) {
        s.clicks += sign;
        return;
    }
    s.conversions += sign;
    if (o.foreign_currency)
        s.foreign_currency_conversions += sign;
    else
        s.conversion_value += Micros(sign * o.value.value());
}

AttributionJoiner::LineItemIndex AttributionJoiner::intern(std::string_view line_item) {
    if (auto it = line_item_index_.find(line_item); it != line_item_index_.end()) return it->second;
    const auto index = static_cast<LineItemIndex>(line_items_.size());
    line_items_.emplace_back(line_item);
    line_item_index_.emplace(std::string(line_item), index);
    return index;
}

HourStats& AttributionJoiner::bucket(UtcMicros ts, LineItemIndex li) {
    return stats_[BucketKey{hour_bucket(ts), li}];
}

HourStats AttributionJoiner::stats(std::string_view line_item, UtcMicros hour) const {
    const auto li = line_item_index_.find(line_item);
    if (li == line_item_index_.end()) return {};
    const auto it = stats_.find(BucketKey{hour_bucket(hour), li->second});
    return it == stats_.end() ? HourStats{} : it->second;
}

void AttributionJoiner::drop_buckets_before(UtcMicros hour) {
    stats_.erase(stats_.begin(), stats_.lower_bound(BucketKey{hour, 0}));
}

}  // namespace bidline::feeds
