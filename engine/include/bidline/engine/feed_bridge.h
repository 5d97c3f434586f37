// How performance events reach the ledger: a feeds::Event (from
// /v1/events, a notice URL, or the event log on start-up) becomes the
// compact ShardEvent the control loop applies. Events that name no known
// line item, or no bid we can identify, have no ShardEvent: the caller
// counts them as orphans.
#pragma once

#include <optional>
#include <string_view>

#include "bidline/engine/catalog.h"
#include "bidline/engine/shard_event.h"
#include "bidline/feeds/event.h"

namespace bidline {

std::optional<ShardEvent> to_shard_event(const feeds::Event& event, const Catalog& catalog, std::uint16_t shard);

// The 16-hex-digit bid id of our responses; nullopt for other ids.
std::optional<std::uint64_t> parse_bid_key(std::string_view bid_id);

// A stable 64-bit key of an event id (FNV-1a), for de-duplication.
std::uint64_t event_id_key(std::string_view event_id);

}  // namespace bidline
