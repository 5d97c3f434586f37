// The alert rules (alert_rules.h) over the control loop's own figures:
// campaigns' and line items' spend today against their daily budgets and
// the pacing plan, the one-minute series (CTR, CPC), when spend last moved,
// and the model monitor's drift. Runs on the control thread every
// `alert_interval`, never on the bid path.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "bidline/engine/alert_rules.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/json_writer.h"

namespace bidline {
namespace {

constexpr double kUsPerMinute = 60'000'000.0;

double minutes_since(std::int64_t then_us, std::int64_t now_us) {
    return static_cast<double>(std::max<std::int64_t>(0, now_us - then_us)) / kUsPerMinute;
}

ClickCounts clicks_of(const MinuteSample& m) { return {m.wins, m.clicks}; }

}  // namespace

void ControlLoop::note_spend_changes(std::int64_t now_us) {
    const Catalog& cat = *catalog_;
    if (li_spend_seen_.size() < cat.line_item_capacity()) {
        li_spend_seen_.resize(cat.line_item_capacity(), -1);
        li_spend_moved_us_.resize(cat.line_item_capacity(), now_us);
    }
    std::unordered_map<std::string, std::int64_t> campaign_total;
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const std::uint32_t i = li.index.value;
        const std::int64_t spend = ledger_[i].spend_total;
        if (li_spend_seen_[i] != spend) {
            // First sight counts as movement: a new line item gets stall_minutes to start.
            li_spend_seen_[i] = spend;
            li_spend_moved_us_[i] = now_us;
        }
        campaign_total[li.campaign->model.id.value] += spend;
    }
    for (const auto& [id, spend] : campaign_total) {
        auto [it, first] = campaign_spend_seen_.try_emplace(id, spend, now_us);
        if (!first && it->second.first != spend) it->second = {spend, now_us};
    }
}

void ControlLoop::evaluate_alerts(std::int64_t now_us) {
    const AlertSettings& s = state_.alerts;
    alerts_last_us_ = now_us;
    note_spend_changes(now_us);
    alerts_.begin(now_us);
    if (!s.enabled) {
        alert_transitions(alerts_.end());
        return;
    }
    const Catalog& cat = *catalog_;
    const auto control = state_.control.load();
    const auto live = [&](std::uint32_t i) {
        return control && (i >> 6) < control->live.word_count() && control->live.test(i);
    };
    std::vector<std::int64_t> campaign_spend(cat.campaigns().size(), 0);
    std::vector<char> campaign_live(cat.campaigns().size(), 0);
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        campaign_spend[li.campaign->index.value] += ledger_[li.index.value].spend_today;
        if (live(li.index.value)) campaign_live[li.campaign->index.value] = 1;
    }
    // The share of the day's plan due by now; asap has no plan (all of it is
    // due at once), so its "early" is the share of the local day gone.
    const auto share_due = [](const CampaignClock& k) {
        return k.plan.asap() ? k.seconds_into_day / 86400.0 : k.planned_fraction;
    };
    const auto budget_rules = [&](Reading early, Reading stalled, bool may_bid, const std::string& campaign,
                                  const std::string& line_item) {
        early.campaign = stalled.campaign = campaign;
        early.line_item = stalled.line_item = line_item;
        alerts_.report(std::move(early));
        if (!may_bid) stalled.verdict = Verdict::clear;  // paused, off-hours or out of flight: not stalled
        alerts_.report(std::move(stalled));
    };

    for (const CompiledCampaign& c : cat.campaigns()) {
        const std::int64_t budget = c.model.daily_budget.value();
        if (budget <= 0 || c.model.managed() || c.index.value >= clocks_.size()) continue;
        const CampaignClock& k = clocks_[c.index.value];
        const std::int64_t spend = campaign_spend[c.index.value];
        const auto planned = static_cast<std::int64_t>(static_cast<double>(budget) * k.planned_fraction);
        const auto seen = campaign_spend_seen_.find(c.model.id.value);
        const double idle = seen == campaign_spend_seen_.end() ? 0.0 : minutes_since(seen->second.second, now_us);
        budget_rules(budget_early_rule(s, spend, budget, share_due(k)),
                     spend_stalled_rule(s, idle, planned, spend, budget), campaign_live[c.index.value] != 0,
                     c.model.id.value, {});
    }

    const std::int64_t minute = minute_of(now_us);
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present || li.campaign->model.managed() || li.campaign->index.value >= clocks_.size()) continue;
        const std::uint32_t i = li.index.value;
        const LineItemLedger& l = ledger_[i];
        const std::string& campaign = li.campaign->model.id.value;
        const CampaignClock& k = clocks_[li.campaign->index.value];
        if (const std::int64_t budget = li.model.daily_budget.value(); budget > 0) {
            const auto planned = static_cast<std::int64_t>(static_cast<double>(budget) * k.planned_fraction);
            budget_rules(
                budget_early_rule(s, l.spend_today, budget, share_due(k)),
                spend_stalled_rule(s, minutes_since(li_spend_moved_us_[i], now_us), planned, l.spend_today, budget),
                live(i), campaign, li.model.id.value);
        }
        const MinuteSample recent = series_.sum(i, minute - s.ctr_window_minutes + 1, minute);
        const MinuteSample before =
            series_.sum(i, minute - s.ctr_window_minutes - s.ctr_trailing_minutes + 1, minute - s.ctr_window_minutes);
        Reading ctr = ctr_drop_rule(s, clicks_of(recent), clicks_of(before));
        ctr.campaign = campaign;
        ctr.line_item = li.model.id.value;
        alerts_.report(std::move(ctr));
        if (const std::int64_t target = li.model.bid.cpc.value(); target > 0) {
            const MinuteSample w = series_.sum(i, minute - s.cpc_window_minutes + 1, minute);
            Reading cpc = cpc_high_rule(s, target, w.spend_micros, w.clicks);
            cpc.campaign = campaign;
            cpc.line_item = li.model.id.value;
            alerts_.report(std::move(cpc));
        }
    }

    const auto& drift = model_monitor_.drift();
    if (!drift.empty()) {
        const auto worst =
            std::max_element(drift.begin(), drift.end(), [](const auto& a, const auto& b) { return a.psi < b.psi; });
        alerts_.report(model_drift_rule(s, worst->psi, worst->name));
    }
    alert_transitions(alerts_.end());
}

void ControlLoop::alert_transitions(const std::vector<AlertTransition>& transitions) {
    for (const AlertTransition& t : transitions) {
        JsonWriter a;
        write_alert_json(a, t.alert);
        const std::string alert = a.take();
        const bool fired = t.alert.state == AlertState::active;
        // Once per transition, never per tick: the log says when each alert began and ended.
        if (fired)
            spdlog::warn("alert fired: {}", alert);
        else
            spdlog::info("alert resolved: {}", alert);
        if (webhook_)
            webhook_->post(std::string(R"({"event":")") + (fired ? "fired" : "resolved") + R"(","alert":)" + alert +
                           "}");
    }
}

}  // namespace bidline
