// The pacing half of the control loop (see control_loop.h): campaign clocks
// in their own time zones, the day roll, the traffic profile, and the
// per-line-item controllers whose knobs publish_control() hands to the bid
// path. Control thread only.
#include <algorithm>
#include <cmath>

#include "bidline/engine/control_loop.h"
#include "bidline/pacing/bid_value.h"

namespace bidline {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Exponential smoothing of a spend rate over `window` seconds.
double smooth_rate(double rate, std::int64_t spent, double dt, double window) {
    if (dt <= 0) return rate;
    const double alpha = std::min(1.0, dt / window);
    return (1 - alpha) * rate + alpha * static_cast<double>(spent) / dt;
}

}  // namespace

std::array<double, 168> ControlLoop::local_traffic(const ZoneOffsets& zone, std::int64_t utc_s) const {
    // The profile is kept in UTC hours; a campaign plans in its local hours.
    const auto utc = traffic_.weights();
    const int shift = static_cast<int>(std::lround(zone.offset_at(utc_s) / 3600.0));
    std::array<double, 168> local{};
    for (int h = 0; h < 168; ++h) local[h] = utc[static_cast<std::size_t>(((h - shift) % 168 + 168) % 168)];
    return local;
}

void ControlLoop::roll_day(std::int64_t now_us) {
    const Catalog& cat = *catalog_;
    const std::int64_t now_s = floor_div(now_us, 1'000'000);
    if (clocks_version_ != cat.version()) {
        // A new catalog: zones and dayparts may have changed; plans are rebuilt.
        // The spend rates carry over (by campaign id): restarting them from
        // zero would read the whole day's spend as this tick's.
        std::unordered_map<std::string, CampaignClock> before;
        for (CampaignClock& k : clocks_) before.emplace(k.campaign_id, std::move(k));
        clocks_.assign(cat.campaigns().size(), CampaignClock{});
        for (const CompiledCampaign& c : cat.campaigns()) {
            CampaignClock& k = clocks_[c.index.value];
            k.campaign_id = c.model.id.value;
            if (auto old = before.find(k.campaign_id); old != before.end()) {
                k.rate = old->second.rate;
                k.last_spend = old->second.last_spend;
            }
            auto it = zones_.find(c.timezone);
            if (it == zones_.end()) {
                ZoneOffsets z = ZoneOffsets::utc();
                try {
                    z = ZoneOffsets::load(c.timezone);
                } catch (const std::exception&) {
                    // The loader checked the name; an unreadable file falls back to UTC rather than stop pacing.
                }
                it = zones_.emplace(c.timezone, std::move(z)).first;
            }
            k.zone = it->second;
            k.local_day = std::numeric_limits<std::int64_t>::min();
        }
        clocks_version_ = cat.version();
    }
    for (const CompiledCampaign& c : cat.campaigns()) {
        CampaignClock& k = clocks_[c.index.value];
        const std::int64_t local = k.zone.local_seconds(now_s);
        const std::int64_t d = local_day_number(local);
        k.seconds_into_day = static_cast<double>(local - d * 86400) +
                             static_cast<double>(now_us - now_s * 1'000'000) / 1e6;
        k.hour_of_week = hour_of_week(local);
        k.date = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{d}}};
        if (d != k.local_day) {
            k.local_day = d;
            k.plan = PacingPlan::make(c.model.pacing, c.model.daypart, local_weekday(local), local_traffic(k.zone, now_s));
        }
        const double horizon = static_cast<double>(catch_up.count());
        k.planned_fraction = k.plan.cumulative(k.seconds_into_day);
        k.ahead_fraction = k.plan.cumulative(k.seconds_into_day + horizon);
        auto [it, first_seen] = local_day_.try_emplace(c.model.id.value, d);
        if (first_seen || it->second == d) continue;
        it->second = d;  // local midnight passed: a new day's budget
        k.last_spend = 0;
        for (const CompiledLineItem& li : cat.line_items())
            if (li.present && li.campaign == &c) {
                ledger_[li.index.value].spend_today = 0;
                if (li.index.value < pacing_.size()) pacing_[li.index.value].last_spend = 0;
            }
    }
    day_ = floor_div(now_us, 86'400'000'000);
}

bool ControlLoop::counts_today(std::uint32_t line_item, std::int64_t t_us) const {
    const Catalog& cat = *catalog_;
    if (line_item >= cat.line_item_capacity() || !cat.line_item(LineItemIndex{line_item}).present) return true;
    const std::uint32_t ci = cat.line_item(LineItemIndex{line_item}).campaign->index.value;
    if (ci >= clocks_.size()) return true;
    const CampaignClock& k = clocks_[ci];
    return local_day_number(k.zone.local_seconds(floor_div(t_us, 1'000'000))) == k.local_day;
}

void ControlLoop::observe_traffic(std::int64_t now_us) {
    std::uint64_t requests = 0;
    for (auto& s : state_.shards) requests += read(s->counters.requests);
    if (traffic_last_us_ > 0 && now_us > traffic_last_us_)
        traffic_.observe(hour_of_week(floor_div(now_us, 1'000'000)), static_cast<double>(requests - traffic_requests_),
                         static_cast<double>(now_us - traffic_last_us_) / 1e6);
    traffic_requests_ = requests;
    traffic_last_us_ = now_us;
}

void ControlLoop::run_pacing(std::int64_t now_us) {
    const Catalog& cat = *catalog_;
    if (pacing_.size() < cat.line_item_capacity()) pacing_.resize(cat.line_item_capacity());
    const double dt = pacing_last_us_ > 0 ? static_cast<double>(now_us - pacing_last_us_) / 1e6 : 0.0;
    // The first run after a start: spend recovered from the event log is
    // the day so far, not a burst; rates measure from here.
    const bool first = pacing_last_us_ == 0;
    pacing_last_us_ = now_us;
    const double window = static_cast<double>(rate_window.count());

    std::vector<std::int64_t> campaign_spend(cat.campaigns().size(), 0);
    for (const CompiledLineItem& li : cat.line_items())
        if (li.present) campaign_spend[li.campaign->index.value] += ledger_[li.index.value].spend_today;
    for (const CompiledCampaign& c : cat.campaigns()) {
        CampaignClock& k = clocks_[c.index.value];
        const std::int64_t spend = campaign_spend[c.index.value];
        if (first) k.last_spend = spend;
        if (dt <= 0) continue;  // a tick at the same instant: keep the spend for the next rate
        k.rate = smooth_rate(k.rate, std::max<std::int64_t>(0, spend - k.last_spend), dt, window);
        k.last_spend = spend;
    }

    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        LineItemPacing& p = pacing_[li.index.value];
        const LineItemLedger& l = ledger_[li.index.value];
        const Campaign& c = li.campaign->model;
        const CampaignClock& k = clocks_[li.campaign->index.value];
        if (dt > 0) {
            p.rate = smooth_rate(p.rate, std::max<std::int64_t>(0, l.spend_today - p.last_spend), dt, window);
            p.last_spend = l.spend_today;
        } else if (first) {
            p.last_spend = l.spend_today;
        }

        // A line item with its own daily budget paces against it; otherwise
        // against its campaign's, which it shares with its siblings.
        const bool own = li.model.daily_budget.value() > 0;
        const double budget = static_cast<double>(own ? li.model.daily_budget.value() : c.daily_budget.value());
        const double spend = static_cast<double>(own ? l.spend_today : campaign_spend[li.campaign->index.value]);
        const double realised = own ? p.rate : k.rate;
        p.planned = static_cast<std::int64_t>(budget * k.planned_fraction);
        if (budget <= 0 || k.plan.asap()) {
            p.multiplier = 1.0;
            p.pass = 1.0;
            continue;
        }
        if (!p.controller) {
            // Manual bids keep the advertiser's price: they are throttled.
            const BidStrategy st = li.model.bid.strategy;
            const bool manual = st == BidStrategy::manual_cpm || st == BidStrategy::manual_cpc;
            p.controller = make_pacing_controller(manual ? PacingControllerKind::throttle : controller_kind,
                                                  pacing_may_raise_bid(st) ? BidDirection::both : BidDirection::down_only);
            resume_controller(resumed_line_items_, li.model.id.value, *p.controller, p.multiplier, &p.pass);
        }
        if (dt <= 0) continue;
        // Aim to be on plan `catch_up` from now (or at the end of the day).
        const double horizon =
            std::clamp(86400.0 - k.seconds_into_day, 1.0, static_cast<double>(catch_up.count()));
        const double target = std::max(0.0, budget * k.ahead_fraction - spend) / horizon;
        const PacingKnobs knobs = p.controller->update(PacingSignal{target, realised, dt});
        p.multiplier = limit_multiplier(p.multiplier, knobs.multiplier, safety);
        p.pass = limit_pass_probability(p.pass, knobs.pass_probability, safety);
    }
}

std::int64_t ControlLoop::planned_spend(std::uint32_t line_item) const {
    return line_item < pacing_.size() ? pacing_[line_item].planned : 0;
}
double ControlLoop::multiplier(std::uint32_t line_item) const {
    return line_item < pacing_.size() ? pacing_[line_item].multiplier : 1.0;
}
double ControlLoop::pass_probability(std::uint32_t line_item) const {
    return line_item < pacing_.size() ? pacing_[line_item].pass : 1.0;
}

std::int64_t ControlLoop::planned_spend_all_campaigns() const {
    std::int64_t total = 0;
    for (const CompiledCampaign& c : catalog_->campaigns())
        if (c.index.value < clocks_.size())
            total += static_cast<std::int64_t>(static_cast<double>(c.model.daily_budget.value()) *
                                               clocks_[c.index.value].planned_fraction);
    return total;
}

std::string_view ControlLoop::pacing_controller_name(std::uint32_t line_item) const {
    return line_item < pacing_.size() && pacing_[line_item].controller ? pacing_[line_item].controller->name() : "none";
}

}  // namespace bidline
