// ControlState: what the control thread tells the shards each tick, as an
// immutable snapshot: which line items are live (in flight, not paused, in
// an on-hour of their daypart) and the pacing knobs per line item. Leases
// travel separately in LineItemShardState because each shard consumes its
// own.
#pragma once

#include <cstdint>
#include <vector>

#include "bidline/engine/line_item_set.h"

namespace bidline {

struct ControlState {
    std::uint64_t catalog_version = 0;  // the catalog these indices refer to
    LineItemSet live;
    // Per dense line item index; empty = 1.0 for all (before the first tick).
    // multiplier: pacing controller × daypart multiplier of this hour (or the
    // campaign's manual override); pass_probability: the throttle.
    std::vector<float> multiplier;
    std::vector<float> pass_probability;

    float multiplier_of(std::uint32_t i) const { return i < multiplier.size() ? multiplier[i] : 1.0f; }
    float pass_probability_of(std::uint32_t i) const { return i < pass_probability.size() ? pass_probability[i] : 1.0f; }
};

}  // namespace bidline
