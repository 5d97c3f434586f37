// Replay / backtest: runs the real bid path single-threaded over logged or
// imported traffic, with a simulated clock taken from the log and a
// simulated auction per request: we win if our bid beats the market price
// and pay the market price (second price, `at` = 2) or our bid (first
// price). Budgets, leases and the control loop are live, ticking on the
// simulated clock. Runs on the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bidline/config/config.h"
#include "bidline/feeds/replay_source.h"
#include "bidline/pacing/pacing_controller.h"

namespace bidline {

struct ReplayTally {
    std::uint64_t requests = 0, bids = 0, wins = 0, impressions = 0, clicks = 0, conversions = 0;
    std::int64_t spend_micros = 0;
    std::int64_t conversion_value_micros = 0;
    // Σ over wins of the bid before first-price shading (per impression):
    // compare with spend to see how much below its value the line item paid.
    std::int64_t bid_value_micros = 0;
};

struct ReplayBucket {
    std::int64_t start_us = 0;
    ReplayTally tally;
    // The campaigns' planned cumulative spend at the end of the bucket (the
    // control loop's plan to date), to compare with cumulative spend.
    std::int64_t planned_spend_micros = 0;
};

struct ReplayReport {
    std::string name;  // the configuration's name in --compare
    ReplayTally totals;
    std::vector<std::pair<std::string, ReplayTally>> line_items;  // by line item id
    std::vector<ReplayBucket> timeline;
    std::int64_t budget_micros = 0;  // sum of the campaigns' daily budgets
    std::int64_t first_us = 0, last_us = 0;
};

struct ReplayOptions {
    std::chrono::microseconds bucket = std::chrono::hours(1);
    PacingControllerKind controller = PacingControllerKind::pid;
    // Loss notices carry min-to-win = the market price, as exchanges that
    // implement OpenRTB 2.6 loss notices do; false = losses are censored
    // (only "the market was above our bid"). First-price shading learns from both.
    bool loss_min_to_win = true;
};

ReplayReport run_replay(const Config& config, ReplaySource& source, const ReplayOptions& options);

// The report as JSON: totals, line_items, timeline (spend in currency units).
std::string replay_report_json(const ReplayReport& report);

// A one-campaign configuration that bids on every row (the `--budget
// --strategy --pacing [--bid]` form of `bidline replay`).
Config single_campaign_config(double budget, BidStrategy strategy, PacingMode pacing, double bid_cpm);

}  // namespace bidline
