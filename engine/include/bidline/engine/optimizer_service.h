// The optimizer thread (DESIGN.md, thread 4): refits the media-mix model from
// the daily spend/outcome series of our own campaigns, splits the campaigns'
// total daily budget by the fitted response curves, and moves each
// campaign's daily budget toward that plan within limits.
//
// Data flow: DailySeriesRecorder (control thread, EngineState::daily_series)
// → snapshot, merged with imported history → fit_media_mix (one channel per
// campaign, outcome = conversion value, or conversions when no value was
// reported) → maximize_response over Σ daily budgets → OptimizerPlan →
// budget step → a new Catalog with the stepped campaign budgets, published
// through EngineState::catalog; the control loop picks it up on its next tick
// like any catalog and grants leases against the new budgets.
//
// Limits: each campaign's budget moves at most `max_daily_change` (±20%) away
// from where it stood at the start of the UTC day, so a plan is reached over
// several days; with `require_approval` a new plan waits for
// POST /v1/optimizer/approve; a manual override pins a campaign's budget
// (the optimizer then plans the others around it).
//
// Threads: one thread of its own, started by start() and joined by stop();
// every public method is safe on any thread (one mutex, never taken on the
// bid path: HTTP handlers for /v1/optimizer run on shard threads but off the
// bid path). The optimizer thread is the only writer of the catalog once
// serving has started.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bidline/engine/engine_state.h"

namespace bidline {

class CliArgs;

struct OptimizerOptions {
    std::chrono::seconds interval{600};  // scheduled refit period
    int min_days = 28;                   // fewer complete days of history: no fit, "insufficient_history"
    int max_days = 365;                  // most recent days used
    double max_daily_change = 0.2;       // per campaign per UTC day, share of the day's starting budget
    bool require_approval = false;
    double spend_ceiling = 2.0;  // plans stay within this multiple of the largest daily spend seen
    int bootstrap_draws = 50;
};

struct CampaignPlan {
    std::string campaign;
    std::int64_t budget_micros = 0;       // daily budget when the plan was made
    std::int64_t recommended_micros = 0;  // the plan's daily budget
    double roi = 0, mroi = 0, share = 0;  // from the fit
};

struct OptimizerPlan {
    std::int64_t made_us = 0;
    std::vector<CampaignPlan> campaigns;
    double expected_response = 0;  // per day, outcome units
    bool approved = false;
};

struct FitSummary {
    std::int64_t finished_us = 0;
    double seconds = 0;
    std::size_t days = 0;
    double r2 = 0;
    std::optional<double> r2_test;
    std::string outcome;  // "conversion_value" or "conversions"
};

struct AppliedBudget {
    std::int64_t configured_micros = 0;  // from the configuration (at start, or its last reload)
    std::int64_t day_start_micros = 0;   // at the start of the current UTC day
    std::int64_t current_micros = 0;     // in the published catalog
    std::int64_t target_micros = 0;      // the plan's, or the override
    std::int64_t day = 0;
    bool overridden = false;
};

// Moves `current` toward `target`, at most `max_change` × `day_start` away from `day_start`.
std::int64_t step_budget(std::int64_t day_start, std::int64_t target, double max_change);

class OptimizerService {
public:
    OptimizerService(EngineState& state, OptimizerOptions options);
    ~OptimizerService();
    OptimizerService(const OptimizerService&) = delete;
    OptimizerService& operator=(const OptimizerService&) = delete;

    void start();
    void stop();

    // Any thread.
    void request_run();
    // False when there is no plan waiting for approval.
    bool approve();
    // Pins a campaign's daily budget (nullopt clears the pin). False for an unknown campaign.
    bool set_override(const std::string& campaign, std::optional<std::int64_t> budget_micros);
    // CSV lines `date,campaign,spend,conversions,value` (date YYYY-MM-DD,
    // money in currency units): history from before the engine started.
    // Returns the number of rows taken; throws std::invalid_argument naming the bad line.
    std::size_t import_history(std::string_view csv);
    // {"status", "last_fit", "plan", "applied", "options"} as JSON.
    std::string render_json() const;

    // One refit and plan now, on the calling thread (tests; the thread calls it too).
    void run_once();
    // Applies the current plan within limits; publishes a catalog when a budget moved.
    void apply();

private:
    void loop();
    DailySeries merged_history() const;

    EngineState& state_;
    const OptimizerOptions options_;
    // Off the hot path: taken by the optimizer thread and by admin requests
    // (/v1/optimizer), never by the bid path or the control loop's tick.
    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable wake_;
    bool stop_ = false, run_requested_ = false;
    std::string status_ = "waiting";
    std::string error_;
    std::int64_t runs_ = 0;
    std::optional<FitSummary> last_fit_;
    std::optional<OptimizerPlan> plan_;
    std::map<std::string, AppliedBudget> applied_;
    std::map<std::string, std::int64_t> overrides_;
    DailySeries imported_;
    std::thread thread_;
};

// GET /v1/optimizer, POST /v1/optimizer/run|approve|override|history.
void register_optimizer_routes(EngineState& state, OptimizerService& optimizer);

// `serve`'s wiring: options from --optimizer-* flags, routes, thread started.
// Call before the server starts; the service stops when the pointer is destroyed.
std::unique_ptr<OptimizerService> start_optimizer(EngineState& state, const CliArgs& args);

}  // namespace bidline
