// The alert rules' thresholds and the optional webhook, as configured in the
// `[alerts]` table (config/README.md). Every key is optional; the defaults
// are the product brief's rules with the thresholds it leaves open chosen
// here: "early in the day" = before half of the plan's day share is due,
// "stalled" = no spend for 30 minutes while the plan expects some.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bidline {

struct AlertSettings {
    bool enabled = true;
    // How often the control thread evaluates the rules.
    int evaluate_every_ms = 10'000;
    // ctr_drop: CTR (clicks / wins) over the last `ctr_window_minutes` below
    // `ctr_drop_ratio` × the CTR of the `ctr_trailing_minutes` before them,
    // once the window has `ctr_min_impressions` wins and the trailing span
    // `ctr_min_trailing_clicks` clicks (too few make any CTR noise).
    double ctr_drop_ratio = 0.8;
    int ctr_window_minutes = 60;
    int ctr_trailing_minutes = 23 * 60;
    std::int64_t ctr_min_impressions = 200;
    std::int64_t ctr_min_trailing_clicks = 20;
    // cpc_high: spend / clicks over the last `cpc_window_minutes` above the
    // line item's target CPC (bid.cpc) × (1 + cpc_over_target), once the
    // window has `cpc_min_clicks` clicks.
    double cpc_over_target = 0.2;
    int cpc_window_minutes = 60;
    std::int64_t cpc_min_clicks = 10;
    // budget_early: spend today above `budget_used` of a daily budget
    // (campaign or line item) while less than `early_plan_share` of the
    // day's plan is due.
    double budget_used = 0.95;
    double early_plan_share = 0.5;
    // spend_stalled: no spend for `stall_minutes` while the plan expects
    // spend to date at least `stall_min_behind` of the daily budget above it.
    int stall_minutes = 30;
    double stall_min_behind = 0.01;
    // model_drift: the active click model's largest PSI above `drift_psi`.
    double drift_psi = 0.25;
    // Resolved alerts kept for GET /v1/alerts (the oldest go first).
    int keep_resolved = 200;

    // Webhook: each transition (fired, resolved) POSTed as JSON to
    // `webhook` (plain http://HOST[:PORT]/PATH), retried `webhook_retries`
    // times with a backoff from `webhook_backoff_ms` doubling each time;
    // at most `webhook_queue` transitions wait (more are dropped, counted).
    std::string webhook;
    int webhook_retries = 5;
    int webhook_backoff_ms = 500;
    int webhook_timeout_ms = 2000;
    int webhook_queue = 1000;
};

// http://HOST[:PORT][/PATH], the only form the webhook takes.
struct HttpUrl {
    std::string host;
    std::uint16_t port = 80;
    std::string path = "/";
};
std::optional<HttpUrl> parse_http_url(std::string_view url);

}  // namespace bidline
