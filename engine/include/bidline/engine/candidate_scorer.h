// Scores the candidates of one imp with the engine's models: builds each
// candidate's feature row (models::FeatureBuilder: the request's slots once
// per imp, the candidate's own slots — time in its campaign's zone, size,
// line item, creative, line item × site history — per candidate), then
// predicts the batch with each model role the candidates' strategies need.
//
// Versions: per request, assign() decides from a stable hash of the user (or
// request) id and the experiment name whether an A/B candidate version
// scores instead of the active one, and whether a shadow version scores
// beside it (counted, never bid with). A stale or missing active model
// leaves the candidate unscored: its strategy falls back to conservative
// bidding (pacing/bid_value.h). The online learners (ControlState::online)
// then blend into pCTR/pCVR, or score alone a line item they know well
// when no tree model does.
//
// Which rows a model scores: on the bid path only the candidates whose bid
// needs that role (a manual CPM bid needs none), so the trees, most of the
// bid path's time, walk no row for nothing; /v1/predict scores every
// candidate of a batch that needs the role at all (ScoredRows::all).
//
// One per shard (and one per /v1/predict call). Steady state allocates
// nothing; use() allocates scratch when a new model set arrives.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "bidline/engine/bid_request.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/control_state.h"
#include "bidline/engine/model_counters.h"
#include "bidline/engine/model_set.h"
#include "bidline/models/feature_builder.h"
#include "bidline/pacing/bid_value.h"

namespace bidline {

struct ScoringCandidate {
    std::uint32_t line_item = 0;
    const Creative* creative = nullptr;
    std::uint16_t w = 0, h = 0;
};

struct ScoredCandidate {
    Scores scores;
    std::uint8_t bucket = 0;        // score_bucket(pCTR); 0 = not scored
    bool by_candidate = false;      // the click score came from the A/B candidate version
    bool online_blended = false;    // the online learner's pCTR was blended into a tree model's
    bool online_only = false;       // no tree model scored it: the online learner alone
    std::array<float, kModelRoles> shadow{};  // shadow predictions (NaN = none)
};

enum class ScoredRows : std::uint8_t { needed_by_bid, all };

class CandidateScorer {
public:
    static constexpr std::size_t kBatch = 16;

    // `counters` may be null (tools, /v1/predict).
    explicit CandidateScorer(ModelCounters* counters, ScoredRows scored = ScoredRows::needed_by_bid)
        : counters_(counters), scored_rows_(scored) {}

    // Between requests: follows a newly published model set.
    void use(std::shared_ptr<const ModelSet> set);
    const ModelSet* models() const { return set_.get(); }

    // Per request: `unit` is the user id (or, without one, the request id).
    void assign(std::string_view unit);
    // Per imp: the request's slots of the row. `recency`: seconds since the
    // user was last seen (negative = unknown).
    void begin_imp(const BidRequestView& request, std::size_t imp, std::int64_t now_us, double recency);
    // Scores up to kBatch candidates into `out` (same order).
    void score(std::span<const ScoringCandidate> candidates, const Catalog& catalog, const ControlState& control,
               std::span<ScoredCandidate> out);

    // The feature row of candidate i of the last score() (for tools and tests).
    std::span<const float, models::kFeatureCount> row(std::size_t i) const {
        return std::span<const float, models::kFeatureCount>(rows_.data() + row_at_[i] * models::kFeatureCount,
                                                             models::kFeatureCount);
    }
    // Which version scored each role for the last score() (0 = none).
    std::uint32_t version_used(ModelRole r) const { return used_[static_cast<std::size_t>(r)]; }
    std::uint32_t shadow_version(ModelRole r) const { return shadowed_[static_cast<std::size_t>(r)]; }

private:
    const ServedModel* pick(ModelRole r, bool& by_candidate) const;
    void score_with_trees(const std::array<std::size_t, kModelRoles>& rows, std::span<ScoredCandidate> out);
    void blend_online(const OnlineModel& online, std::span<const ScoringCandidate> candidates, const Catalog& catalog,
                      std::span<ScoredCandidate> out);
    void count_drift(const ServedModel& click, float score);

    ModelCounters* counters_;
    ScoredRows scored_rows_;
    std::shared_ptr<const ModelSet> set_;
    std::array<models::ScoringScratch, kModelRoles * 2> scratch_{};  // [role][active, candidate]
    std::array<bool, kModelRoles> ab_{};      // this request is scored by the candidate
    std::array<bool, kModelRoles> shadow_{};  // this request is also scored by the shadow
    std::array<std::uint32_t, kModelRoles> used_{}, shadowed_{};
    models::FeatureContext context_{};
    std::uint32_t site_ = 0;
    std::int64_t now_us_ = 0;
    std::uint64_t drift_tick_ = 0;
    alignas(64) std::array<float, kBatch * models::kFeatureCount> rows_{};
    // Rows sit in need order (see score()): candidate i's row is row_at_[i],
    // row p belongs to candidate_of_[p].
    std::array<std::uint8_t, kBatch> row_at_{}, candidate_of_{};
    std::array<float, kBatch> out_{};
};

}  // namespace bidline
