#include "bidline/engine/alert_rules.h"

#include <cstdio>
#include <string>

namespace bidline {
namespace {

std::string money(std::int64_t micros) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(micros) / 1e6);
    return buf;
}

std::string percent(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", share * 100.0);
    return buf;
}

Reading make(AlertRule rule, AlertSeverity severity, double value, double threshold, std::string unit) {
    Reading r;
    r.rule = rule;
    r.severity = severity;
    r.value = value;
    r.threshold = threshold;
    r.unit = std::move(unit);
    return r;
}

}  // namespace

Reading ctr_drop_rule(const AlertSettings& s, ClickCounts window, ClickCounts trailing) {
    const double recent = window.wins ? static_cast<double>(window.clicks) / static_cast<double>(window.wins) : 0.0;
    const double average =
        trailing.wins ? static_cast<double>(trailing.clicks) / static_cast<double>(trailing.wins) : 0.0;
    Reading r = make(AlertRule::ctr_drop, AlertSeverity::warning, recent, s.ctr_drop_ratio * average, "ctr");
    if (window.wins < static_cast<std::uint64_t>(s.ctr_min_impressions) ||
        trailing.clicks < static_cast<std::uint64_t>(s.ctr_min_trailing_clicks)) {
        r.verdict = Verdict::unknown;
        return r;
    }
    r.verdict = recent < r.threshold ? Verdict::firing : Verdict::clear;
    r.message = "CTR " + percent(recent) + " over the last " + std::to_string(s.ctr_window_minutes) + " min is " +
                (r.verdict == Verdict::firing ? "below " : "back above ") + percent(r.threshold) + " (" +
                std::to_string(s.ctr_drop_ratio).substr(0, 4) + " x its trailing " + percent(average) + ")";
    return r;
}

Reading cpc_high_rule(const AlertSettings& s, std::int64_t target_cpc_micros, std::int64_t spend_micros,
                      std::uint64_t clicks) {
    const double cpc = clicks ? static_cast<double>(spend_micros) / static_cast<double>(clicks) : 0.0;
    const double limit = static_cast<double>(target_cpc_micros) * (1.0 + s.cpc_over_target);
    Reading r = make(AlertRule::cpc_high, AlertSeverity::warning, cpc, limit, "micros");
    if (target_cpc_micros <= 0 || clicks < static_cast<std::uint64_t>(s.cpc_min_clicks)) {
        r.verdict = Verdict::unknown;
        return r;
    }
    r.verdict = cpc > limit ? Verdict::firing : Verdict::clear;
    r.message = "CPC " + money(static_cast<std::int64_t>(cpc)) + " over the last " +
                std::to_string(s.cpc_window_minutes) + " min is " +
                (r.verdict == Verdict::firing ? "above " : "back within ") + money(static_cast<std::int64_t>(limit)) +
                " (target " + money(target_cpc_micros) + " + " + percent(s.cpc_over_target) + ")";
    return r;
}

Reading budget_early_rule(const AlertSettings& s, std::int64_t spend_today_micros, std::int64_t daily_budget_micros,
                          double plan_share_due) {
    const double used = daily_budget_micros > 0
                            ? static_cast<double>(spend_today_micros) / static_cast<double>(daily_budget_micros)
                            : 0.0;
    Reading r = make(AlertRule::budget_early, AlertSeverity::critical, used, s.budget_used, "share");
    if (daily_budget_micros <= 0) {
        r.verdict = Verdict::unknown;
        return r;
    }
    // Once the day is past "early", a spent budget is what the plan wanted: clear.
    r.verdict = used > s.budget_used && plan_share_due < s.early_plan_share ? Verdict::firing : Verdict::clear;
    r.message = percent(used) + " of the daily budget " + money(daily_budget_micros) + " spent with only " +
                percent(plan_share_due) + " of the day's plan due (limit " + percent(s.budget_used) + " before " +
                percent(s.early_plan_share) + ")";
    return r;
}

Reading spend_stalled_rule(const AlertSettings& s, double minutes_without_spend, std::int64_t planned_micros,
                           std::int64_t spend_today_micros, std::int64_t daily_budget_micros) {
    Reading r = make(AlertRule::spend_stalled, AlertSeverity::warning, minutes_without_spend,
                     static_cast<double>(s.stall_minutes), "minutes");
    if (daily_budget_micros <= 0) {
        r.verdict = Verdict::unknown;
        return r;
    }
    const double behind = static_cast<double>(planned_micros - spend_today_micros);
    const bool expected = behind >= s.stall_min_behind * static_cast<double>(daily_budget_micros) && behind > 0;
    r.verdict = minutes_without_spend >= s.stall_minutes && expected ? Verdict::firing : Verdict::clear;
    r.message = "no spend for " + std::to_string(static_cast<long>(minutes_without_spend)) +
                " min while the plan to date (" + money(planned_micros) + ") is " +
                money(planned_micros - spend_today_micros) + " ahead of spend today (" + money(spend_today_micros) +
                ")";
    return r;
}

Reading model_drift_rule(const AlertSettings& s, double max_psi, std::string_view feature) {
    Reading r = make(AlertRule::model_drift, AlertSeverity::warning, max_psi, s.drift_psi, "psi");
    r.subject = "model:click";
    r.verdict = max_psi > s.drift_psi ? Verdict::firing : Verdict::clear;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", max_psi);
    char lim[32];
    std::snprintf(lim, sizeof lim, "%.3f", s.drift_psi);
    r.message = "click model input drift: PSI " + std::string(buf) + " on " + std::string(feature) + " is above " +
                lim + " (retrain)";
    return r;
}

}  // namespace bidline
