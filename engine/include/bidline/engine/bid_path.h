// The bid path of one shard: request body in, HTTP status and body out.
//   parse -> eligible line items (targeting index) -> features -> scores
//   -> value under the strategy -> pacing gate + lease -> shading
//   -> best candidate per imp -> response.
// Lives on its shard's thread only. Steady state: no locks, no allocation,
// no exceptions, no logging; outcomes are counted in ShardCounters.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bidline/engine/bid_request.h"
#include "bidline/engine/bid_response_writer.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/openrtb_parser.h"
#include "bidline/engine/targeting_index.h"

namespace bidline {

struct BidAnswer {
    std::uint16_t status = 204;  // 200 bid, 204 no bid, 400 bad request
    std::string_view body;       // valid until the next handle()
};

class BidPath {
public:
    static constexpr std::size_t kResponseCapacity = 64 * 1024;

    BidPath(EngineState& state, ShardResources& shard);

    // `received` is when the request's first byte arrived (for tmax).
    BidAnswer handle(std::string_view body, Timestamp received);

    // Picks up newly published catalog/control snapshots. Called between
    // requests (and by handle itself).
    void refresh();

    const BidRequestView& last_request() const { return request_; }

private:
    struct Candidate {
        std::uint32_t line_item = 0;
        const Creative* creative = nullptr;
        Micros price{};
        std::uint16_t w = 0, h = 0;
        std::string_view deal_id;
    };

    BidAnswer bad_request(const OpenRtbError& err);
    BidAnswer no_bid(NoBidReason reason);
    bool pick_best(const ImpView& imp, Candidate& best, NoBidReason& why);
    const Creative* pick_creative(const CompiledLineItem& li, const ImpView& imp, std::uint16_t& w,
                                  std::uint16_t& h) const;

    EngineState& state_;
    ShardResources& shard_;
    OpenRtbParser parser_;
    BidRequestView request_;
    EligibilityScratch scratch_;
    std::shared_ptr<const Catalog> catalog_;
    std::shared_ptr<const ControlState> control_;
    std::uint64_t catalog_seen_ = 0, control_seen_ = 0;
    std::uint64_t bid_seq_ = 0;
    std::array<BidOut, 8> bids_{};
    std::array<std::array<char, 20>, 8> bid_ids_{};
    std::array<char, 20> response_id_{};
    std::unique_ptr<char[]> response_;
};

}  // namespace bidline
