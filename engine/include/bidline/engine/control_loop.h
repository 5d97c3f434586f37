// The control loop: one thread that ticks every `control_tick`. Each tick
// it drains the shards' event rings into the spend ledger, expires bids
// that never won, grants each shard a budget lease per line item, publishes
// the ControlState (which line items are live) and renders /v1/stats.
//
// Budget safety: for each line item the ledger tracks
//   committed = spend today + (leases granted - charges resolved)
// i.e. money spent plus money that could still turn into spend (unused
// leases and bids in flight). New leases are granted only while committed
// stays within the daily budget of the line item and of its campaign, so
// spend cannot pass the budget unless an exchange charges more than our bid
// or a win arrives after its bid expired (both counted in stats).
//
// Attribution: clicks and conversions join to their bid (our bids, or bids,
// wins and impressions a connector reported) by bid id within the
// feeds::AttributionJoiner's windows (click 24 h, conversion 7 d); an
// outcome whose bid is unknown, or too old, is an orphan: counted, never
// dropped. Every outcome lands in the hour bucket of its own event time.
// Platform-reported spend (PlatformReportBook) is shown beside the ledger,
// never added to it.
//
// Pacing: each campaign's day runs in its own time zone (spend_today resets
// at local midnight). Per tick and line item the loop computes the planned
// cumulative spend (PacingPlan × daily budget), feeds the gap between the
// spend rate the plan wants and the realised rate to the line item's
// PacingController, bounds the change (PacingSafetyLimits) and publishes a
// bid multiplier and a pass probability in ControlState. Except for asap,
// leases are not granted ahead of the plan by more than a small slack.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bidline/engine/adjustment_log.h"
#include "bidline/engine/alert_book.h"
#include "bidline/engine/alert_webhook.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/model_monitor.h"
#include "bidline/engine/creative_selection.h"
#include "bidline/engine/holdout_experiments.h"
#include "bidline/engine/online_learning.h"
#include "bidline/engine/pacing_state.h"
#include "bidline/engine/site_stats.h"
#include "bidline/engine/minute_series.h"
#include "bidline/engine/platform_report_book.h"
#include "bidline/feeds/attribution_joiner.h"
#include "bidline/feeds/event_deduper.h"
#include "bidline/pacing/pacing_controller.h"
#include "bidline/pacing/pacing_plan.h"
#include "bidline/pacing/safety_limits.h"
#include "bidline/pacing/shading_model.h"
#include "bidline/pacing/traffic_profile.h"
#include "bidline/pacing/zone_offsets.h"

namespace bidline {

struct LineItemLedger {
    std::int64_t spend_today = 0;       // micros
    std::int64_t spend_total = 0;
    std::int64_t granted_total = 0;     // sum over shards of granted
    std::int64_t resolved_total = 0;    // charges of bids that won, lost or expired
    std::uint64_t bids = 0, wins = 0, clicks = 0, conversions = 0, late_wins = 0;
    std::int64_t conversion_value = 0;  // micros
    std::int64_t last_charged = 0;      // sum over shards at the last tick
    // Attribution (the joiner's verdict on outcomes naming this line item, or
    // joined to one of its bids): joined within the window vs orphaned.
    std::uint64_t clicks_joined = 0, conversions_joined = 0, clicks_orphaned = 0, conversions_orphaned = 0;
    std::int64_t joined_conversion_value = 0;  // micros
    std::int64_t committed() const { return spend_today + granted_total - resolved_total; }
    std::int64_t committed_lifetime() const { return spend_total + granted_total - resolved_total; }
};

class SharedBudgetLedger;

class ControlLoop {
public:
    explicit ControlLoop(EngineState& state);
    ~ControlLoop();

    void start();
    void stop();  // drains once more and renders final stats

    // One tick, callable directly from tests (with a ManualClock).
    void tick();

    const LineItemLedger& ledger(std::uint32_t line_item) const { return ledger_[line_item]; }
    // Any thread may call series().published() (the 24 h one-minute series).
    const LineItemSeries& series() const { return series_; }

    // Applies one event as if a shard had sent it: start-up recovery from
    // the event log uses this before any shard runs.
    void recover(const ShardEvent& e) {
        now_us_ = state_.clock.now().time_since_epoch().count();  // dedupe windows run on arrival time
        apply(e);
    }
    std::chrono::seconds bid_expiry{60};
    // Stats, metrics, the attribution join counts and the minute/daily
    // series for dashboards and the optimizer. Replay turns this off: it ticks on a simulated clock many
    // times per second of real time, nobody reads them, and rendering them
    // every tick would cost more than the bidding being replayed.
    bool publish_observability = true;

    // Online learning ([models.online]): where the learners' state is saved
    // and reloaded (the serve command: DATA_DIR/models/online). Before
    // start(); without it the learners start empty and save nothing.
    void set_online_state_dir(const std::filesystem::path& dir);
    const OnlineLearning* online_learning() const { return online_.get(); }

    // Pacing state (pacing_state.h): the traffic profile, controllers and
    // adjustments are saved in `dir` (the serve command: DATA_DIR/pacing)
    // every minute, whenever adjustments go out and at stop, and resumed
    // from it. Before start(); without it a restart starts pacing afresh.
    void set_pacing_state_dir(const std::filesystem::path& dir);

    // Platform-reported figures (thread-safe; the report endpoint records).
    PlatformReportBook& platform_reports() { return platform_reports_; }

    // Platform-managed campaigns (Campaign::managed_by; control_loop_adjustments.cc):
    // bid and budget adjustments for connectors (GET /v1/adjustments). The
    // log is thread-safe; the settings are set before start().
    const AdjustmentLog& adjustments() const { return adjustments_; }
    std::chrono::milliseconds adjustment_interval{60'000};
    AdjustmentThresholds adjustment_thresholds;
    PacingSafetyLimits adjustment_safety{.max_multiplier_ratio = 1.05, .max_pass_step = 0.05,
                                         .min_multiplier = 0.5, .max_multiplier = 2.0};

    // Alerts ([alerts]; control_loop_alerts.cc): the rules are evaluated
    // every `alert_interval` ([alerts] evaluate_every_ms) on the control thread from the ledger, the
    // minute series, the pacing plan and the model monitor; transitions are
    // logged and handed to the webhook. The book is readable from any thread.
    const AlertBook& alerts() const { return alerts_; }
    // Null without `[alerts] webhook`.
    const AlertWebhook* alert_webhook() const { return webhook_.get(); }
    std::chrono::milliseconds alert_interval{10'000};

    // Daily budgets shared with other processes (redis_budget_ledger.h;
    // engine/README.md, "Budget across several machines"): set before
    // start(); it must outlive the loop. Null (the default): this process's
    // budgets are its own.
    void set_shared_budget(SharedBudgetLedger* ledger) { shared_budget_ = ledger; }

    // Pacing. Which controller new line items get (manual_cpm/manual_cpc
    // are always throttled: their price is the advertiser's); set before
    // the first tick.
    PacingControllerKind controller_kind = PacingControllerKind::pid;
    PacingSafetyLimits safety;
    // Leases may run ahead of the plan by this share of the daily budget.
    double plan_slack = 0.01;
    // The realised spend rate is smoothed over this time constant.
    std::chrono::seconds rate_window{60};
    // The plan's rate is aimed at over this horizon, closing any gap with it.
    std::chrono::seconds catch_up{900};
    // First-price shading (control_loop_shading.cc): how often the market
    // models are refitted and republished, and EM steps per refit.
    std::chrono::seconds shading_refit{60};
    int shading_em_iterations = 8;
    // The fitted market of one line item and context (tests and stats).
    MarketPriceFit shading_fit(std::uint32_t line_item, std::uint8_t context) const;

    // Control thread only (or tests between ticks). Planned spend to date
    // of the budget the line item paces against (its own daily budget,
    // else its campaign's), micros.
    std::int64_t planned_spend(std::uint32_t line_item) const;
    double multiplier(std::uint32_t line_item) const;
    double pass_probability(std::uint32_t line_item) const;
    // Sum over campaigns of daily budget × plan to date (asap: the budget).
    std::int64_t planned_spend_all_campaigns() const;
    // Requests per hour of the week, learned from this engine's traffic.
    const TrafficProfile& traffic_profile() const { return traffic_; }
    // "throttle", "dual", "pid", or "none" (asap, no budget, not yet ticked).
    std::string_view pacing_controller_name(std::uint32_t line_item) const;

private:
    struct InFlight {
        std::uint32_t line_item;
        std::int64_t charge;
        std::int64_t t_us;
        std::uint8_t shading_context;
        bool first_price;
    };

    void drain(std::int64_t now_us);
    void apply(const ShardEvent& e);
    void expire(std::int64_t now_us);
    // Feeds the joiner (after de-duplication) and counts its verdict.
    void attribute(const ShardEvent& e);
    void adopt(const feeds::JoinResult& r);
    void write_attribution(JsonWriter& j, std::int64_t now_us);
    // Per campaign, in its zone: the local day (rolls spend_today), today's
    // plan, the share of it due by now, the hour of the week.
    struct CampaignClock {
        std::string campaign_id;
        ZoneOffsets zone;
        std::int64_t local_day = 0;
        double seconds_into_day = 0;
        int hour_of_week = 0;
        Date date{};
        PacingPlan plan;
        double planned_fraction = 0;  // plan.cumulative(now)
        double ahead_fraction = 0;    // plan.cumulative(now + catch_up)
        double rate = 0;              // smoothed campaign spend, micros/s
        std::int64_t last_spend = 0;
    };
    struct LineItemPacing {
        std::unique_ptr<PacingController> controller;
        double multiplier = 1.0, pass = 1.0;  // after the safety limits
        double rate = 0;                      // smoothed spend, micros/s
        std::int64_t last_spend = 0;
        std::int64_t planned = 0;             // planned spend to date, micros
    };

    void roll_day(std::int64_t now_us);
    // Whether a win at `t_us` belongs to the line item's current local day.
    bool counts_today(std::uint32_t line_item, std::int64_t t_us) const;
    std::array<double, 168> local_traffic(const ZoneOffsets& zone, std::int64_t utc_s) const;
    void observe_traffic(std::int64_t now_us);
    void run_pacing(std::int64_t now_us);
    void grant_leases();
    void publish_control(std::int64_t now_us);
    void render_stats(std::int64_t now_us);
    // control_loop_shading.cc: learn the market price from each bid's
    // outcome, refit and publish the ShadingTable, stats per line item.
    void learn_shading(const InFlight& bid, const ShardEvent& outcome);
    void note_shaded_bid(const ShardEvent& bid);
    void refit_shading(std::int64_t now_us);
    void write_shading(JsonWriter& j, std::uint32_t line_item) const;
    struct LineItemShading {
        ShadingModel model;
        std::uint64_t shaded_bids = 0;
        double shade_sum = 0;  // Σ bid ÷ value of the shaded bids
    };
    std::unordered_map<std::uint32_t, LineItemShading> shading_;  // by line item index, those that bid with shading
    std::shared_ptr<const ShadingTable> shading_table_;
    std::int64_t shading_last_fit_us_ = 0;
    // Returns whether adjustments went out (the pacing state is then saved at once).
    bool run_adjustments(std::int64_t now_us);
    // control_loop_pacing_state.cc
    void save_pacing_state(std::int64_t now_us);
    // A fresh controller takes the saved one's state when there is one of
    // the same kind for `id`; the saved knobs then replace `multiplier` and `pass`.
    void resume_controller(std::unordered_map<std::string, SavedController>& saved, const std::string& id,
                           PacingController& controller, double& multiplier, double* pass);
    std::filesystem::path pacing_state_dir_;
    std::unordered_map<std::string, SavedController> resumed_line_items_, resumed_managed_;  // not yet taken up
    std::int64_t pacing_saved_us_ = 0;
    static constexpr std::int64_t kPacingSaveEveryUs = 60'000'000;
    struct ManagedCampaign {
        std::unique_ptr<PacingController> controller;
        double multiplier = 1.0;  // after adjustment_safety
        AdjustmentField bid_field = AdjustmentField::target_cpa;
        AdjustmentGate bid, budget;
    };
    // control_loop_alerts.cc
    void evaluate_alerts(std::int64_t now_us);
    void note_spend_changes(std::int64_t now_us);
    void alert_transitions(const std::vector<AlertTransition>& transitions);
    AlertBook alerts_;
    std::unique_ptr<AlertWebhook> webhook_;
    std::int64_t alerts_last_us_ = 0;
    // When spend last moved, by line item index and by campaign id (spend stalled).
    std::vector<std::int64_t> li_spend_seen_, li_spend_moved_us_;
    std::unordered_map<std::string, std::pair<std::int64_t, std::int64_t>> campaign_spend_seen_;  // {spend_total, moved_us}
    std::unordered_map<std::string, ManagedCampaign> managed_;  // by campaign id: survives catalog swaps
    AdjustmentLog adjustments_;
    std::int64_t adjustments_last_us_ = 0;
    // control_loop_shared_budget.cc: one round trip per tick reports this
    // node's spend and acquires its lease per budgeted campaign and line
    // item; what the lease leaves over the node's outstanding money caps
    // grant_leases().
    void sync_shared_budget();
    void write_shared_budget(JsonWriter& j) const;
    struct SharedScope {
        std::string name;  // e.g. "campaign:ID:YYYY-MM-DD"
        std::int64_t node_spend, outstanding, want, lease, spend_all, other_leases;
    };
    SharedBudgetLedger* shared_budget_ = nullptr;
    std::vector<SharedScope> shared_scopes_;  // last tick's, for /v1/stats
    std::vector<std::int64_t> shared_room_campaign_, shared_room_line_item_;  // by index; consumed by grant_leases()
    LineItemSet shared_line_items_;          // under a shared scope: they spend only while the lease lives
    std::int64_t shared_lease_until_us_ = 0;  // the shards' deadline (publish_control() hands it on)
    std::uint64_t shared_lease_lapses_ = 0;   // syncs that found the deadline passed (a stall or Redis away)
    std::int64_t shared_revoked_micros_ = 0;  // unused shard slices taken back
    std::int64_t revoke_unused_leases(std::uint32_t line_item);

    EngineState& state_;
    std::shared_ptr<const Catalog> catalog_;
    std::uint64_t catalog_seen_ = 0;  // state_.catalog.version() of the last tick's catalog
    std::vector<LineItemLedger> ledger_;
    std::unordered_map<std::uint64_t, InFlight> in_flight_;
    SiteStatsBook site_stats_;                      // line item × site history for the model features
    std::shared_ptr<const SiteStatsTable> site_table_;
    std::int64_t site_table_us_ = 0;
    static constexpr std::int64_t kSiteStatsEveryUs = 5'000'000;
    ModelMonitor model_monitor_;
    std::unique_ptr<OnlineLearning> online_;  // null when [models.online] is disabled
    CreativeSelection creatives_;
    std::uint64_t creatives_catalog_ = ~std::uint64_t{0};
    std::vector<CampaignClock> clocks_;                        // by campaign index
    std::unordered_map<std::string, std::int64_t> local_day_;  // by campaign id: survives catalog swaps
    std::unordered_map<std::string, ZoneOffsets> zones_;       // loaded once per zone name
    std::uint64_t clocks_version_ = ~std::uint64_t{0};
    std::vector<LineItemPacing> pacing_;                       // by line item index
    TrafficProfile traffic_;                                   // UTC hour of week
    std::uint64_t traffic_requests_ = 0;
    std::int64_t traffic_last_us_ = 0;
    std::int64_t pacing_last_us_ = 0;
    // Win/billing notices seen, by bid key: exchanges retry notices, and the
    // win and the billing notice of one bid must count once.
    feeds::EventDeduper won_{1u << 18, std::chrono::hours(24)};
    std::int64_t day_ = 0;
    std::int64_t now_us_ = 0;                                 // current UTC day number
    std::int64_t started_us_ = 0;
    std::int64_t last_tick_us_ = 0;
    std::uint64_t last_requests_ = 0;
    double qps_ = 0.0;
    std::atomic<bool> running_{false};
    std::thread thread_;
    LineItemSeries series_;  // one-minute buckets per line item, last 24 h
    // Anchors: ~24 B per bid remembered, two tables of 2 × capacity slots
    // (~12 MB); under heavier bid rates the 7-day window shrinks (see
    // RotatingKeyTable) rather than memory growing.
    feeds::AttributionJoiner joiner_{feeds::JoinerSettings{.anchor_capacity = 1u << 17, .pending_capacity = 1u << 14}};
    struct OrphanCounts {
        std::uint64_t unknown_bid_clicks = 0, unknown_bid_conversions = 0;
        std::uint64_t outside_window_clicks = 0, outside_window_conversions = 0;
        std::uint64_t adopted = 0;  // unknown-bid orphans whose bid arrived later
    } orphans_;
    PlatformReportBook platform_reports_;
    HoldoutExperiments experiments_;  // campaigns' holdout experiments (holdout_experiments.h)
};

}  // namespace bidline
