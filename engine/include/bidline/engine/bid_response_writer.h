// Writes an OpenRTB BidResponse (JSON) into a caller-owned, pre-sized
// buffer: no allocation. Every string is JSON-escaped; values placed in
// notice URLs are percent-encoded. Win, billing and loss notice URLs carry
// the standard ${AUCTION_PRICE} / ${AUCTION_LOSS} macros for the exchange
// to substitute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bidline/config/campaign_model.h"

namespace bidline {

struct BidOut {
    std::string_view bid_id;          // unique per bid (shard + sequence)
    std::string_view imp_id;
    double price_cpm = 0.0;
    std::string_view line_item_id;
    std::string_view creative_id;
    std::string_view campaign_id;
    std::span<const std::string> adomain;
    std::span<const std::string> cat;
    std::uint16_t w = 0, h = 0;
    MediaType mtype = MediaType::banner;
    std::string_view adm;             // markup; empty = served via nurl
    std::string_view deal_id;
};

struct BidResponseHeader {
    std::string_view request_id;
    std::string_view response_id;     // BidResponse.bidid
    std::string_view seat = "bidline";
    std::string_view currency = "USD";
    std::string_view notice_base_url; // e.g. "http://127.0.0.1:8080"
};

// Returns the number of bytes written, or 0 if `cap` was too small (the
// caller then answers no-bid and counts it; nothing is truncated silently).
[[nodiscard]] std::size_t write_bid_response(const BidResponseHeader& header, std::span<const BidOut> bids,
                                             char* out, std::size_t cap);

}  // namespace bidline
