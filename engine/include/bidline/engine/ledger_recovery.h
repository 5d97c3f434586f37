// Start-up recovery: the event log is the record of every acknowledged
// event, so replaying it into the control loop's ledger brings spend, wins,
// clicks and conversions back exactly as acknowledged, even after kill -9.
// Runs on the main thread before the shards start.
#pragma once

#include <cstdint>
#include <filesystem>

#include "bidline/engine/catalog.h"
#include "bidline/engine/control_loop.h"

namespace bidline {

struct RecoveryStats {
    std::uint64_t records = 0;   // feed events read
    std::uint64_t applied = 0;   // moved the ledger
    std::uint64_t orphans = 0;   // valid, but no known line item now
    std::uint64_t undecodable = 0;
};

// Throws std::runtime_error when the log is damaged beyond its torn tail.
RecoveryStats recover_ledger(const std::filesystem::path& events_dir, const Catalog& catalog, ControlLoop& control);

}  // namespace bidline
