// ControlState: what the control thread tells the shards each tick, as an
// immutable snapshot: which line items are live (in flight, not paused,
// budget left). Leases travel separately in LineItemShardState because
// each shard consumes its own.
#pragma once

#include <cstdint>

#include "bidline/engine/line_item_set.h"

namespace bidline {

struct ControlState {
    std::uint64_t catalog_version = 0;  // the catalog these indices refer to
    LineItemSet live;
};

}  // namespace bidline
