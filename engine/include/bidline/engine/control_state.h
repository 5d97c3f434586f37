// ControlState: what the control thread tells the shards each tick, as an
// immutable snapshot: which line items are live (in flight, not paused, in
// an on-hour of their daypart) and the pacing knobs per line item. Leases
// travel separately in LineItemShardState because each shard consumes its
// own.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "bidline/engine/line_item_set.h"
#include "bidline/engine/site_stats.h"
#include "bidline/pacing/shading_model.h"

namespace bidline {

struct OnlineModel;      // online_learning.h
struct CreativeChoices;  // creative_selection.h

// The fitted market-price models of first-price shading, resolved per
// (line item, context bucket): the bucket's own fit, else the line item's
// pooled fit, else not ready. Rebuilt by the control thread when it refits
// (ControlLoop::shading_refit), shared by the ControlStates in between.
struct ShadingTable {
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    std::vector<std::uint32_t> first;  // per dense line item index: offset in `fits`, or kNone
    std::vector<MarketPriceFit> fits;  // kShadingContexts per shading line item

    MarketPriceFit fit(std::uint32_t line_item, std::uint8_t context) const {
        if (line_item >= first.size() || first[line_item] == kNone) return {};
        return fits[first[line_item] + context];
    }
};

struct ControlState {
    std::uint64_t catalog_version = 0;  // the catalog these indices refer to
    LineItemSet live;
    // Per dense line item index; empty = 1.0 for all (before the first tick).
    // multiplier: pacing controller × daypart multiplier of this hour (or the
    // campaign's manual override); pass_probability: the throttle.
    std::vector<float> multiplier;
    std::vector<float> pass_probability;
    // First-price shading; null = no line item has a fit yet.
    std::shared_ptr<const ShadingTable> shading;
    // For the model features: each line item's campaign zone (UTC offset now,
    // minutes), its average conversion value so far (currency units; 0 =
    // none yet) and the line item × site history; null = none yet.
    std::vector<std::int16_t> utc_offset_minutes;
    std::vector<float> conversion_value;
    std::shared_ptr<const SiteStatsTable> site_stats;
    // The online learners' weights (FTRL), blended with the tree models;
    // null until they have learned something (or when disabled).
    std::shared_ptr<const OnlineModel> online;
    // Thompson sampling among each line item's creatives (null: serve the
    // first that fits, as before any impression).
    std::shared_ptr<const CreativeChoices> creatives;
    // Budgets shared with other nodes (redis_budget_ledger.h): the line items
    // under a shared scope may only spend while this node's lease there is
    // surely alive. The deadline travels in the snapshot, so a control
    // thread that stalls past it (or lost Redis) stops its shards all the
    // same; other nodes may take the room once the lease expires in Redis.
    LineItemSet shared_budget;  // empty: no shared budgets
    std::int64_t shared_lease_until_us = std::numeric_limits<std::int64_t>::max();

    float multiplier_of(std::uint32_t i) const { return i < multiplier.size() ? multiplier[i] : 1.0f; }
    float pass_probability_of(std::uint32_t i) const { return i < pass_probability.size() ? pass_probability[i] : 1.0f; }
    std::int32_t utc_offset_of(std::uint32_t i) const { return i < utc_offset_minutes.size() ? utc_offset_minutes[i] : 0; }
    double conversion_value_of(std::uint32_t i) const { return i < conversion_value.size() ? conversion_value[i] : 0.0; }
    bool shared_lease_lapsed(std::uint32_t i, std::int64_t now_us) const {
        return now_us >= shared_lease_until_us && (i >> 6) < shared_budget.word_count() && shared_budget.test(i);
    }
    MarketPriceFit shading_fit(std::uint32_t i, std::uint8_t context) const { return shading ? shading->fit(i, context) : MarketPriceFit{}; }
};

}  // namespace bidline
