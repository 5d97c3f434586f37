// What the control loop's pacing remembers across restarts, saved in
// DATA_DIR/pacing/state.json: the learned traffic profile, each line item's
// controller and knobs, each platform-managed campaign's controller and the
// values last sent to its platform, and the newest adjustments. Without it
// a restart would plan the `traffic` mode from the prior again, bid every
// line item from multiplier 1 (a jump the safety limits exist to prevent),
// and re-send every managed campaign's bid as "initial".
//
// Spend is not here: it is rebuilt from the event log (ledger_recovery.h),
// which is the one record of money. Entries are keyed by ids, not indexes,
// so they survive catalog edits; entries for ids that are gone are ignored.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bidline/engine/adjustment_log.h"

namespace bidline {

struct SavedController {
    std::string name;            // PacingController::name(); restored only into the same kind
    std::vector<double> state;   // PacingController::state()
    double multiplier = 1.0, pass = 1.0;  // the published knobs (after the safety limits)
};

struct SavedGate {
    bool sent = false;
    std::int64_t value = 0, time_us = 0;
};

struct SavedManagedCampaign {
    SavedController controller;
    AdjustmentField bid_field = AdjustmentField::target_cpa;
    SavedGate bid, budget;
};

struct PacingState {
    static constexpr int kVersion = 1;
    std::int64_t saved_us = 0;
    std::array<double, 168> traffic_requests{}, traffic_seconds{};
    std::unordered_map<std::string, SavedController> line_items;        // by line item id
    std::unordered_map<std::string, SavedManagedCampaign> managed;      // by campaign id
    AdjustmentLog::Tail adjustments;                                    // the newest, oldest first
};

std::string to_json(const PacingState& state);
// Throws std::runtime_error saying what is wrong (damaged or another version).
PacingState parse_pacing_state(std::string_view json);

}  // namespace bidline
