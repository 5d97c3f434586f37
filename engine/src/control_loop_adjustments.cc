// Bid and budget adjustments for platform-managed campaigns (see
// control_loop.h and adjustment_log.h). Control thread only.
//
// Every `adjustment_interval` (platform APIs are rate-limited, and platform
// reports arrive hourly: a faster loop would only chase its own lag), per
// managed campaign:
//  - budget: the campaign's daily budget as the catalog has it (the
//    optimizer's plan, applied by publishing a new catalog);
//  - bid: the campaign's first line item's target (target CPA, target ROAS,
//    or CPC for max CPC) × the campaign's own PacingController multiplier.
//    The controller compares the spend the platform reported today with the
//    plan up to the end of the newest reported bucket (so reporting lag
//    reads as neither under- nor overspend); no report today, no update.
//    The multiplier moves within `adjustment_safety` (×/÷1.05 per update,
//    [0.5, 2] of the configured target); bid_multiplier_override replaces it.
// AdjustmentGate decides what is sent (adjustment_thresholds).
#include <algorithm>
#include <cmath>
#include <optional>

#include "bidline/engine/control_loop.h"

namespace bidline {
namespace {

feeds::Platform feeds_platform(AdPlatform p) {
    switch (p) {
        case AdPlatform::google_ads:
            return feeds::Platform::google_ads;
        case AdPlatform::meta:
            return feeds::Platform::meta;
        case AdPlatform::tiktok:
            return feeds::Platform::tiktok;
        case AdPlatform::none:
            break;
    }
    return feeds::Platform::unspecified;
}

// The platform term a line item's strategy maps to, and its configured value
// (micros; target_roas: ratio × 1e6). manual_cpm has none: budget only.
struct BidTerm {
    AdjustmentField field;
    std::int64_t base;
};
std::optional<BidTerm> bid_term(const BidSettings& b) {
    switch (b.strategy) {
        case BidStrategy::target_cpa:
            return BidTerm{AdjustmentField::target_cpa, b.target_cpa.value()};
        case BidStrategy::max_conversions:  // λ's scale, as pacing/README.md: target_cpa, else $20 a conversion
            return BidTerm{AdjustmentField::target_cpa, b.target_cpa.value() > 0 ? b.target_cpa.value() : 20'000'000};
        case BidStrategy::target_roas:
            return BidTerm{AdjustmentField::target_roas, static_cast<std::int64_t>(std::llround(b.target_roas * 1e6))};
        case BidStrategy::manual_cpc:
            return BidTerm{AdjustmentField::max_cpc, b.cpc.value()};
        case BidStrategy::max_clicks:
            return BidTerm{AdjustmentField::max_cpc, b.cpc.value() > 0 ? b.cpc.value() : 1'000'000};
        case BidStrategy::manual_cpm:
            break;
    }
    return std::nullopt;
}

}  // namespace

bool ControlLoop::run_adjustments(std::int64_t now_us) {
    const std::int64_t interval_us = std::chrono::duration_cast<std::chrono::microseconds>(adjustment_interval).count();
    if (adjustments_last_us_ != 0 && now_us - adjustments_last_us_ < interval_us) return false;
    const std::uint64_t seq_before = adjustments_.last_seq();
    const double dt = adjustments_last_us_ != 0 ? static_cast<double>(now_us - adjustments_last_us_) / 1e6 : 0.0;
    adjustments_last_us_ = now_us;
    const Catalog& cat = *catalog_;
    const std::chrono::seconds quiet = adjustment_thresholds.max_quiet;

    for (const CompiledCampaign& c : cat.campaigns()) {
        const Campaign& camp = c.model;
        if (!camp.managed() || c.index.value >= clocks_.size()) continue;
        ManagedCampaign& m = managed_[camp.id.value];
        const CampaignClock& k = clocks_[c.index.value];
        Adjustment a;
        a.time_us = now_us;
        a.campaign = camp.id.value;
        a.platform = camp.managed_by;
        a.platform_campaign_id = platform_campaign_id(camp.platform_ids, camp.managed_by);

        const std::int64_t budget = camp.daily_budget.value();
        if (budget > 0 && m.budget.should_send(budget, now_us, adjustment_thresholds.budget_change, quiet)) {
            Adjustment b = a;
            b.kind = AdjustmentKind::budget;
            b.field = AdjustmentField::daily_budget;
            b.value_micros = budget;
            b.previous_micros = m.budget.last();
            b.reason = m.budget.last() ? AdjustmentReason::optimizer_plan : AdjustmentReason::initial;
            m.budget.sent(budget, now_us);
            adjustments_.append(std::move(b));
        }

        // The platform campaign has one bid: its first line item's strategy says which.
        const CompiledLineItem* first = nullptr;
        for (const CompiledLineItem& li : cat.line_items())
            if (li.present && li.campaign == &c) {
                first = &li;
                break;
            }
        const std::optional<BidTerm> term = first != nullptr ? bid_term(first->model.bid) : std::nullopt;
        if (!term || term->base <= 0) continue;

        if (!m.controller) {
            // Throttling has no platform term: a managed campaign's controller moves the bid.
            m.controller = make_pacing_controller(
                controller_kind == PacingControllerKind::throttle ? PacingControllerKind::pid : controller_kind,
                BidDirection::both);
            resume_controller(resumed_managed_, camp.id.value, *m.controller, m.multiplier, nullptr);
        }
        bool held = false;
        if (dt > 0 && budget > 0 && !k.plan.asap()) {
            const std::int64_t day_start_us = now_us - static_cast<std::int64_t>(k.seconds_into_day * 1e6);
            const PlatformReportBook::ReportedSpend rep = platform_reports_.spend_between(
                camp.id.value, feeds_platform(camp.managed_by), day_start_us, day_start_us + 86'400'000'000);
            if (rep.rows > 0) {
                const double until = static_cast<double>(std::min(rep.covered_until_us, now_us) - day_start_us) / 1e6;
                const double elapsed = std::max(1.0, until);
                const double planned = static_cast<double>(budget) * k.plan.cumulative(until);
                const PacingKnobs knobs = m.controller->update(
                    PacingSignal{planned / elapsed, static_cast<double>(rep.spend_micros) / elapsed, dt});
                m.multiplier = limit_multiplier(m.multiplier, knobs.multiplier, adjustment_safety);
                // Held at an absolute bound (not the normal per-update step limit).
                held = (knobs.multiplier > m.multiplier && m.multiplier >= adjustment_safety.max_multiplier) ||
                       (knobs.multiplier < m.multiplier && m.multiplier <= adjustment_safety.min_multiplier);
            }
        }
        const bool overridden = camp.bid_multiplier_override > 0;
        const double mult = overridden ? camp.bid_multiplier_override : m.multiplier;
        const double base = static_cast<double>(term->base);
        // A higher target ROAS bids less: the multiplier divides it.
        const auto value = static_cast<std::int64_t>(
            std::llround(term->field == AdjustmentField::target_roas ? base / mult : base * mult));
        if (m.bid_field != term->field) m.bid = AdjustmentGate{};  // the strategy changed: a new field
        m.bid_field = term->field;
        if (value <= 0 || !m.bid.should_send(value, now_us, adjustment_thresholds.bid_change, quiet)) continue;
        a.kind = AdjustmentKind::bid;
        a.field = term->field;
        a.value_micros = value;
        a.previous_micros = m.bid.last();
        a.multiplier = mult;
        a.reason = !m.bid.last() ? AdjustmentReason::initial
                   : overridden  ? AdjustmentReason::manual_override
                   : held        ? AdjustmentReason::safety_clamp
                                 : AdjustmentReason::controller;
        m.bid.sent(value, now_us);
        adjustments_.append(std::move(a));
    }
    return adjustments_.last_seq() != seq_before;
}

}  // namespace bidline
