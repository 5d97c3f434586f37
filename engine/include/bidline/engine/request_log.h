// Logging bid requests with their decisions (RequestLogSettings): each
// shard writes one bid_request record per sampled request to its own lane
// of the event log, separate from the lane its feed events use, so request
// logging can never hold up or crowd out events that clients wait on.
// On the bid path: no lock, no allocation once the builder has grown, no
// waiting — a full lane skips the record and counts it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bidline/engine/bid_path.h"
#include "bidline/engine/engine_state.h"
#include "bidline/feeds/traffic_record.h"

namespace flatbuffers { class FlatBufferBuilder; }

namespace bidline {

// The event-log producer lane of a shard's request log (feed events use
// lane `shard`); the log needs 2 × shards lanes.
inline std::uint32_t request_log_lane(const EngineState& state, std::uint16_t shard) {
    return static_cast<std::uint32_t>(state.shards.size()) + shard;
}

class RequestLog {
public:
    RequestLog(EngineState& state, ShardResources& shard);
    ~RequestLog();

    // After the bid path answered `body` with `status`.
    void record(std::string_view body, Timestamp received, const BidPath& path, std::uint16_t status);

private:
    bool sampled();

    EngineState& state_;
    ShardResources& shard_;
    std::unique_ptr<flatbuffers::FlatBufferBuilder> fbb_;
    std::array<feeds::DecidedBid, feeds::kMaxDecidedBids> bids_{};
    std::uint64_t rng_;
    std::uint64_t threshold_;  // sampled when the next draw is below it
};

}  // namespace bidline
