#include "bidline/feeds/traffic_record.h"

#include <algorithm>
#include <array>

#include "bidline/feeds/flatbuffer_alignment.h"

namespace bidline::feeds {

std::span<const std::uint8_t> encode_traffic_record(const TrafficRecord& r, flatbuffers::FlatBufferBuilder& b) {
    b.Clear();
    std::array<flatbuffers::Offset<fb::DecisionBid>, kMaxDecidedBids> bids;
    const std::size_t n = std::min(r.bids.size(), kMaxDecidedBids);
    for (std::size_t i = 0; i < n; ++i) {
        const DecidedBid& d = r.bids[i];
        bids[i] = fb::CreateDecisionBid(b, b.CreateString(d.imp_id), b.CreateString(d.bid_id),
                                        b.CreateString(d.line_item_id), b.CreateString(d.creative_id),
                                        b.CreateString(d.campaign_id), d.price_micros);
    }
    const auto decision = fb::CreateDecision(b, b.CreateString(r.request_id), r.status, b.CreateString(r.no_bid_reason),
                                             b.CreateVector(bids.data(), n));
    const auto body = b.CreateVector(reinterpret_cast<const std::uint8_t*>(r.body.data()), r.body.size());
    b.Finish(fb::CreateLoggedRequest(b, r.received_us, r.shard, body, decision), fb::LoggedRequestIdentifier());
    return {b.GetBufferPointer(), b.GetSize()};
}

const fb::LoggedRequest* read_traffic_record(std::span<const std::byte> payload, std::vector<std::uint64_t>& scratch) {
    const auto* data = aligned_for_flatbuffers({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, scratch).data();
    flatbuffers::Verifier verifier(data, payload.size());
    if (!fb::VerifyLoggedRequestBuffer(verifier)) return nullptr;
    return fb::GetLoggedRequest(data);
}

}  // namespace bidline::feeds
