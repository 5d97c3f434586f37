#include "bidline/engine/adjustment_log.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace bidline {

std::string_view to_string(AdjustmentKind k) { return k == AdjustmentKind::bid ? "bid" : "budget"; }

std::string_view to_string(AdjustmentField f) {
    switch (f) {
        case AdjustmentField::target_cpa:
            return "target_cpa";
        case AdjustmentField::target_roas:
            return "target_roas";
        case AdjustmentField::max_cpc:
            return "max_cpc";
        case AdjustmentField::daily_budget:
            return "daily_budget";
    }
    return "unknown";
}

std::string_view to_string(AdjustmentReason r) {
    switch (r) {
        case AdjustmentReason::initial:
            return "initial";
        case AdjustmentReason::controller:
            return "controller";
        case AdjustmentReason::optimizer_plan:
            return "optimizer_plan";
        case AdjustmentReason::manual_override:
            return "manual_override";
        case AdjustmentReason::safety_clamp:
            return "safety_clamp";
    }
    return "unknown";
}

void write_json(JsonWriter& j, const Adjustment& a) {
    j.begin_object()
        .field("seq", a.seq)
        .field("time_us", a.time_us)
        .field("campaign", a.campaign)
        .field("platform", to_string(a.platform))
        .field("platform_campaign_id", a.platform_campaign_id)
        .field("kind", to_string(a.kind))
        .field("field", to_string(a.field))
        .field("value", static_cast<double>(a.value_micros) / 1e6)
        .field("value_micros", a.value_micros);
    if (a.previous_micros) {
        j.field("previous_value", static_cast<double>(*a.previous_micros) / 1e6)
            .field("previous_value_micros", *a.previous_micros);
    } else {
        j.key("previous_value").null().key("previous_value_micros").null();
    }
    j.field("reason", to_string(a.reason)).field("multiplier", a.multiplier).end_object();
}

// Every lock below is off the bid path: the control thread appends a few
// adjustments a minute, GET /v1/adjustments reads; shards never touch it.
std::uint64_t AdjustmentLog::append(Adjustment a) {
    std::lock_guard lock(mu_);  // control thread, a few times a minute
    a.seq = std::max(last_seq_ + 1, static_cast<std::uint64_t>(std::max<std::int64_t>(0, a.time_us)));
    last_seq_ = a.seq;
    window_.push_back(std::move(a));
    while (window_.size() > capacity_) {
        evicted_through_ = window_.front().seq;
        window_.pop_front();
    }
    return last_seq_;
}

AdjustmentLog::Page AdjustmentLog::since(std::uint64_t since, AdPlatform platform, std::size_t limit) const {
    Page page;
    page.next_since = since;
    std::lock_guard lock(mu_);  // an HTTP poll by a connector
    page.truncated = since < evicted_through_;
    auto it = std::upper_bound(window_.begin(), window_.end(), since,
                               [](std::uint64_t s, const Adjustment& a) { return s < a.seq; });
    for (; it != window_.end() && it->seq <= visible_through_; ++it) {
        if (page.adjustments.size() >= limit) return page;  // next_since: the last one returned
        page.next_since = it->seq;
        if (platform == AdPlatform::none || it->platform == platform) page.adjustments.push_back(*it);
    }
    return page;
}

void AdjustmentLog::hold() {
    std::lock_guard lock(mu_);  // the control thread, once per tick
    visible_through_ = last_seq_;
}

void AdjustmentLog::release() {
    std::lock_guard lock(mu_);  // the control thread, once per tick
    visible_through_ = ~std::uint64_t{0};
}

std::uint64_t AdjustmentLog::last_seq() const {
    std::lock_guard lock(mu_);  // stats and tests
    return last_seq_;
}

std::size_t AdjustmentLog::size() const {
    std::lock_guard lock(mu_);  // stats and tests
    return window_.size();
}

AdjustmentLog::Tail AdjustmentLog::newest(std::size_t n) const {
    std::lock_guard lock(mu_);  // the control thread saving its state
    const std::size_t from = window_.size() > n ? window_.size() - n : 0;
    Tail t{{window_.begin() + static_cast<std::ptrdiff_t>(from), window_.end()}, evicted_through_};
    if (from > 0) t.evicted_through = window_[from - 1].seq;
    return t;
}

void AdjustmentLog::restore(Tail saved) {
    std::lock_guard lock(mu_);  // at start, before the first tick
    auto& a = saved.adjustments;
    std::sort(a.begin(), a.end(), [](const Adjustment& x, const Adjustment& y) { return x.seq < y.seq; });
    window_.assign(std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()));
    evicted_through_ = saved.evicted_through;
    while (window_.size() > capacity_) {
        evicted_through_ = window_.front().seq;
        window_.pop_front();
    }
    last_seq_ = std::max({last_seq_, evicted_through_, window_.empty() ? 0 : window_.back().seq});
}

bool AdjustmentGate::should_send(std::int64_t wanted, std::int64_t now_us, double threshold,
                                 std::chrono::seconds max_quiet) const {
    if (!last_) return true;
    if (wanted == *last_) return false;
    // The move as a factor either way (×1.05 and ÷1.05 are both "5 %"); 1e-6:
    // exactly one such step counts despite rounding to micros.
    const double moved = *last_ > 0 && wanted > 0
                             ? std::fabs(std::log(static_cast<double>(wanted) / static_cast<double>(*last_)))
                             : std::numeric_limits<double>::infinity();
    if (moved >= std::log1p(threshold) - 1e-6) return true;
    return now_us - last_us_ >= std::chrono::duration_cast<std::chrono::microseconds>(max_quiet).count();
}

}  // namespace bidline
