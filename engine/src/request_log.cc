#include "bidline/engine/request_log.h"

#include <algorithm>
#include <cmath>

#include <flatbuffers/flatbuffers.h>

#include "bidline/feeds/event_log_group_commit.h"

namespace bidline {

RequestLog::RequestLog(EngineState& state, ShardResources& shard)
    : state_(state),
      shard_(shard),
      fbb_(std::make_unique<flatbuffers::FlatBufferBuilder>(4096)),
      rng_(0x9E3779B97F4A7C15ull ^ (std::uint64_t{shard.id} + 1) * 0xBF58476D1CE4E5B9ull) {
    const RequestLogSettings& s = state.settings.request_log;
    const double share = s.mode == RequestLogMode::full ? 1.0 : s.mode == RequestLogMode::sampled ? s.sample_rate : 0.0;
    threshold_ = share >= 1.0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(std::ldexp(share, 64));
}

RequestLog::~RequestLog() = default;

bool RequestLog::sampled() {
    if (threshold_ == 0) return false;
    if (threshold_ == ~std::uint64_t{0}) return true;
    rng_ ^= rng_ << 13;  // xorshift64: cheap, and per shard so no sharing
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_ < threshold_;
}

void RequestLog::record(std::string_view body, Timestamp received, const BidPath& path, std::uint16_t status) {
    feeds::GroupCommitLog* log = state_.event_log;
    if (log == nullptr || !sampled()) return;
    const auto outs = path.last_bid_outs();
    const std::size_t n = std::min(outs.size(), bids_.size());
    for (std::size_t i = 0; i < n; ++i) {
        const BidOut& b = outs[i];
        bids_[i] = feeds::DecidedBid{b.imp_id, b.bid_id, b.line_item_id, b.creative_id, b.campaign_id,
                                     std::llround(b.price_cpm * 1e6)};
    }
    feeds::TrafficRecord r;
    r.received_us = received.time_since_epoch().count();
    r.shard = shard_.id;
    r.body = body;
    r.request_id = status == 400 ? std::string_view{} : path.last_request().id;
    r.status = status;
    if (status == 204) r.no_bid_reason = to_string(path.last_no_bid_reason());
    r.bids = std::span<const feeds::DecidedBid>(bids_.data(), status == 200 ? n : 0);
    const auto bytes = feeds::encode_traffic_record(r, *fbb_);
    if (bytes.size() > log->max_payload()) {
        bump(shard_.counters.request_log_skipped);
        return;
    }
    const feeds::SubmitResult result =
        log->submit(feeds::ProducerId{request_log_lane(state_, shard_.id)}, feeds::RecordType::bid_request,
                    std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
    bump(result.code == feeds::LogErrc::ok ? shard_.counters.request_log_written : shard_.counters.request_log_skipped);
}

}  // namespace bidline
