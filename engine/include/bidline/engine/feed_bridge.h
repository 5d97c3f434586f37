// How performance events reach the ledger: a feeds::Event (from
// /v1/events, a notice URL, or the event log on start-up) becomes the
// compact ShardEvent the control loop applies. Bids and impressions from
// connectors become `anchor`s (attribution only). A click or conversion
// that names no known line item but carries a bid id (or request + imp id)
// still goes to the control loop with line_item = kNoLineItem, to join its
// bid there; other events without a known line item have no ShardEvent and
// the caller counts them as orphans. Spend reports have none either: they
// go to the PlatformReportBook.
#pragma once

#include <optional>
#include <string_view>

#include "bidline/engine/catalog.h"
#include "bidline/engine/shard_event.h"
#include "bidline/feeds/event.h"

namespace bidline {

std::optional<ShardEvent> to_shard_event(const feeds::Event& event, const Catalog& catalog, std::uint16_t shard);

// The join key of an event (ShardEvent::join_key): our 16-hex bid id's
// key, else feeds::join_key (bid id, or request id + imp id); 0 = none.
std::uint64_t attribution_key(const feeds::Event& event);

// The 16-hex-digit bid id of our responses; nullopt for other ids.
std::optional<std::uint64_t> parse_bid_key(std::string_view bid_id);

// A stable 64-bit key of an event id (FNV-1a), for de-duplication.
std::uint64_t event_id_key(std::string_view event_id);

}  // namespace bidline
