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
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bidline/engine/engine_state.h"
#include "bidline/feeds/event_deduper.h"

namespace bidline {

struct LineItemLedger {
    std::int64_t spend_today = 0;       // micros
    std::int64_t spend_total = 0;
    std::int64_t granted_total = 0;     // sum over shards of granted
    std::int64_t resolved_total = 0;    // charges of bids that won, lost or expired
    std::uint64_t bids = 0, wins = 0, clicks = 0, conversions = 0, late_wins = 0;
    std::int64_t conversion_value = 0;  // micros
    std::int64_t last_charged = 0;      // sum over shards at the last tick
    std::int64_t committed() const { return spend_today + granted_total - resolved_total; }
    std::int64_t committed_lifetime() const { return spend_total + granted_total - resolved_total; }
};

class ControlLoop {
public:
    explicit ControlLoop(EngineState& state);
    ~ControlLoop();

    void start();
    void stop();  // drains once more and renders final stats

    // One tick, callable directly from tests (with a ManualClock).
    void tick();

    const LineItemLedger& ledger(std::uint32_t line_item) const { return ledger_[line_item]; }
    std::chrono::seconds bid_expiry{60};

private:
    struct InFlight {
        std::uint32_t line_item;
        std::int64_t charge;
        std::int64_t t_us;
    };

    void drain(std::int64_t now_us);
    void apply(const ShardEvent& e);
    void expire(std::int64_t now_us);
    void roll_day(std::int64_t now_us);
    void grant_leases();
    void publish_control(std::int64_t now_us);
    void render_stats(std::int64_t now_us);

    EngineState& state_;
    std::shared_ptr<const Catalog> catalog_;
    std::vector<LineItemLedger> ledger_;
    std::unordered_map<std::uint64_t, InFlight> in_flight_;
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
};

}  // namespace bidline
