// A logged bid request and the engine's decision on it, as one event-log
// record (RecordType::bid_request, schema feeds/schema/traffic.fbs). The
// bid path encodes with a reused builder (no allocation once it has grown
// to the largest request); tools read records back through a verified view.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "bidline/feeds/traffic_generated.h"

namespace bidline::feeds {

struct DecidedBid {
    std::string_view imp_id, bid_id, line_item_id, creative_id, campaign_id;
    std::int64_t price_micros = 0;  // CPM
};

struct TrafficRecord {
    std::int64_t received_us = 0;
    std::uint16_t shard = 0;
    std::string_view body;        // the request as received
    std::string_view request_id;  // empty when the request did not parse
    std::uint16_t status = 204;
    std::string_view no_bid_reason;
    std::span<const DecidedBid> bids;  // at most kMaxDecidedBids are kept
};

inline constexpr std::size_t kMaxDecidedBids = 16;

// Clears `builder`, builds the record into it and finishes it with the
// "BLTR" identifier; the span views the builder's buffer until the next use.
std::span<const std::uint8_t> encode_traffic_record(const TrafficRecord& record, flatbuffers::FlatBufferBuilder& builder);

// The record in `payload`, or null when it does not verify (damaged bytes
// never crash a reader). The view lives as long as the payload and
// `scratch` (where a misaligned payload is copied: flatbuffer_alignment.h).
const fb::LoggedRequest* read_traffic_record(std::span<const std::byte> payload, std::vector<std::uint64_t>& scratch);

}  // namespace bidline::feeds
