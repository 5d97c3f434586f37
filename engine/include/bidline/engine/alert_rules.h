// The product brief's alert rules as plain functions of the figures the
// control loop keeps, so each can be tested with exact numbers. Each returns
// a Reading (alert_book.h) for one subject: firing, clear, or unknown when
// there is too little data to judge. The control loop fills in the subject
// (campaign, line item) and reports the reading (control_loop_alerts.cc).
#pragma once

#include <cstdint>

#include "bidline/config/alert_settings.h"
#include "bidline/engine/alert_book.h"

namespace bidline {

// Wins and clicks over a span of minutes.
struct ClickCounts {
    std::uint64_t wins = 0, clicks = 0;
};

// CTR of the recent window below ratio × the trailing span's CTR.
Reading ctr_drop_rule(const AlertSettings& s, ClickCounts window, ClickCounts trailing);

// Cost per click over the window above target × (1 + over_target).
Reading cpc_high_rule(const AlertSettings& s, std::int64_t target_cpc_micros, std::int64_t spend_micros,
                      std::uint64_t clicks);

// Spend today above budget_used × the daily budget while the share of the
// day's plan due is below early_plan_share.
Reading budget_early_rule(const AlertSettings& s, std::int64_t spend_today_micros, std::int64_t daily_budget_micros,
                          double plan_share_due);

// No spend for stall_minutes while the plan to date is ahead of spend today
// by at least stall_min_behind of the budget (and the subject may bid).
Reading spend_stalled_rule(const AlertSettings& s, double minutes_without_spend, std::int64_t planned_micros,
                           std::int64_t spend_today_micros, std::int64_t daily_budget_micros);

// The active click model's largest feature PSI above drift_psi.
Reading model_drift_rule(const AlertSettings& s, double max_psi, std::string_view feature);

}  // namespace bidline
