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
#include <span>
#include <string_view>

#include "bidline/engine/bid_request.h"
#include "bidline/engine/bid_response_writer.h"
#include "bidline/engine/candidate_scorer.h"
#include "bidline/engine/recency_table.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/native_request.h"
#include "bidline/engine/openrtb_parser.h"
#include "bidline/engine/targeting_index.h"
#include "bidline/models/creative_bandit.h"
#include "bidline/pacing/bid_value.h"

namespace bidline {

struct CreativeChoices;  // creative_selection.h

// What the bid path placed for one imp (for replay and tests).
struct PlacedBid {
    std::uint32_t line_item = 0;   // dense index
    std::uint64_t bid_key = 0;     // make_bid_key(shard, sequence)
    Micros price{};                // CPM
    Micros charge{};               // per impression: price / 1000
    Micros value{};                // CPM before first-price shading (= price when not shaded)
    double pctr = 0;               // the click model's prediction (0 = not scored)
};

// Replay decides without serialising a response.
enum class ResponseMode : std::uint8_t { write, decide_only };

struct BidAnswer {
    std::uint16_t status = 204;  // 200 bid, 204 no bid, 400 bad request
    std::string_view body;       // valid until the next handle()
};

// One imp's native request as the bid path checks native creatives
// against it: read on the first native creative that needs it, then kept
// for the request (the chosen creative's assets are answered again when
// its adm is rendered). Per request, shard thread only.
class ImpNativeAssets {
public:
    enum class State : std::uint8_t { unread, readable, unreadable };
    ImpNativeAssets() = default;
    ImpNativeAssets(NativeRequestReader* reader, std::string_view escaped, Counter* unreadable_count)
        : reader_(reader), escaped_(escaped), unreadable_count_(unreadable_count) {}

    // Whether `offers` answer the request's required assets (`answer`: how).
    bool answer(std::span<const NativeOffer> offers, NativeAnswer& answer) noexcept;
    // A native creative failed: its assets, or an unreadable request.
    bool rejected() const { return rejected_; }

private:
    NativeRequestReader* reader_ = nullptr;
    std::string_view escaped_;
    Counter* unreadable_count_ = nullptr;
    State state_ = State::unread;
    bool rejected_ = false;
    NativeAsks asks_;
};

// A creative of the line item that its targeted media allow, that the
// request's bcat/badv do not block, and that fits the imp (a banner of one
// of its sizes, or any size when responsive; a native creative whose
// assets answer the native request, when `native` is given); its size in
// w, h. Null when none fits. With a bandit (and its RNG): Thompson sampling
// among those that fit; without (/v1/predict, a line item with one
// creative): the first.
const Creative* pick_creative(const CompiledLineItem& li, const BidRequestView& request, const ImpView& imp,
                              std::uint16_t& w, std::uint16_t& h,
                              const models::CreativeBanditSnapshot* bandit = nullptr,
                              models::Xorshift64Star* rng = nullptr, ImpNativeAssets* native = nullptr);

class BidPath {
public:
    static constexpr std::size_t kResponseCapacity = 64 * 1024;
    // Rendered adms (templates, native) of one response: no more can fit
    // in the response itself.
    static constexpr std::size_t kRenderCapacity = kResponseCapacity;

    BidPath(EngineState& state, ShardResources& shard);

    // `received` is when the request's first byte arrived (for tmax).
    // `given` replaces the model's scores for every candidate (replay of
    // logs that carry a pCTR); null = the engine's own scoring.
    BidAnswer handle(std::string_view body, Timestamp received, const Scores* given = nullptr,
                     ResponseMode mode = ResponseMode::write);

    // The bids of the last handle() that answered 200.
    std::span<const PlacedBid> last_bids() const { return {placed_.data(), placed_count_}; }
    // The same bids as the response describes them (ids, prices, creatives).
    std::span<const BidOut> last_bid_outs() const { return {bids_.data(), placed_count_}; }
    // Why the last handle() answered 204.
    NoBidReason last_no_bid_reason() const { return last_no_bid_; }

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
        std::uint8_t shading_context = 0;  // first price only
        std::uint16_t shade_permille = 0;  // bid ÷ value × 1000; 0 = not shaded
        Micros value{};                    // the price before shading
        double floor = 0;                  // CPM: the imp's, or the deal's
        double pctr = 0;                   // 0 = not scored
        std::uint8_t score = 0;            // ShardEvent::score
        bool has_row = false;              // scored: its feature row went to the pick's row
        VariantChoice variants = kNoVariants;  // template creatives: the variant per slot
    };

    BidAnswer bad_request(const OpenRtbError& err);
    BidAnswer no_bid(NoBidReason reason);
    // `chosen`: this request's picks for earlier imps; their charges count
    // against the lease too, since all picks are committed together.
    // `best_row`: the feature row best was scored with (when best.has_row).
    bool pick_best(std::size_t imp, std::span<const Candidate> chosen, const Scores* given, Candidate& best,
                   std::array<float, models::kFeatureCount>& best_row, NoBidReason& why);
    // Value under the strategy, pacing, shading, max bid, floor, lease:
    // false (and why) when the candidate cannot bid.
    bool price(Candidate& c, const Scores& scores, double floor_cpm, std::string_view site,
               std::span<const Candidate> chosen, NoBidReason& why);
    ModelCounters& model_counters() { return shard_.models; }
    // A variant per slot of a template creative: the slot bandit's sample,
    // uniform before the first snapshot.
    VariantChoice choose_variants(const CompiledLineItem& li, const Creative& creative, const CreativeChoices* choices);
    // The adm of a chosen candidate: the markup, or rendered into render_
    // (templates, native); false when it does not fit.
    bool adm_of(const Candidate& best, const CompiledLineItem& li, std::size_t imp, std::string_view& adm);
    // Whether the campaign's holdout experiment holds this request's user
    // out; reports the user to the control thread once per request and
    // campaign (and rarely again: a small cache of recent reports).
    bool held_out(const CompiledCampaign& campaign, std::uint32_t line_item);

    EngineState& state_;
    ShardResources& shard_;
    OpenRtbParser parser_;
    BidRequestView request_;
    EligibilityScratch scratch_;
    std::shared_ptr<const Catalog> catalog_;
    std::shared_ptr<const ControlState> control_;
    std::shared_ptr<const ModelSet> models_;
    std::uint64_t catalog_seen_ = 0, control_seen_ = 0, models_seen_ = 0;
    CandidateScorer scorer_;
    std::array<ScoredCandidate, CandidateScorer::kBatch> scored_{};
    RecencyTable recency_table_;
    double recency_ = -1.0;    // of this request's user
    std::string_view user_;    // user.id, else device.ifa; empty = none
    std::uint64_t user_key_ = 0;  // experiments::id_key(user_), computed at the first experiment met
    std::array<std::uint32_t, 8> experiments_reported_{};  // campaign indices, this request
    std::size_t experiments_reported_count_ = 0;
    std::array<std::uint64_t, 1024> experiment_user_cache_{};  // tags of recent reports
    std::uint32_t request_site_ = 0;
    std::int64_t now_us_ = 0;  // this request's arrival
    std::uint64_t bid_seq_ = 0;
    // Throttle draws: xorshift64, seeded from the shard id so that replay
    // (one shard) is reproducible; never zero.
    std::uint64_t throttle_rng_ = 0;
    models::Xorshift64Star creative_rng_{1};  // creative sampling
    double next_uniform();
    std::array<BidOut, 8> bids_{};
    std::array<PlacedBid, 8> placed_{};
    std::array<std::array<float, models::kFeatureCount>, 8> chosen_rows_{};  // for the online learners
    std::size_t placed_count_ = 0;
    NoBidReason last_no_bid_ = NoBidReason::no_eligible;
    std::array<std::array<char, 20>, 8> bid_ids_{};
    std::array<char, 20> response_id_{};
    std::unique_ptr<char[]> response_;
    NativeRequestReader native_reader_;
    std::array<ImpNativeAssets, 8> imp_native_{};  // per imp of this request
    std::unique_ptr<char[]> render_;
    std::size_t render_used_ = 0;
};

}  // namespace bidline
