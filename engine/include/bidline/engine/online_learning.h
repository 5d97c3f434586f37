// Online learning on the control thread: two FTRL-Proximal learners
// (models/ftrl.h) trained from the engine's own outcomes between the tree
// models' retrains.
//   click model:      one row per won impression, label 1 when a click
//                     joins it within click_window, else 0;
//   conversion model: one row per clicked impression, label 1 when a
//                     conversion joins it within conversion_window, else 0
//                     (pCVR is conversions per click, as the strategies use it).
// The row is the feature row the bid path scored (BidFeatures, sent by the
// shard beside the bid), joined here by bid key to the bid's win, click and
// conversion in whatever order they arrive. Rows are learned when their
// window closes, positives and negatives alike, so the learner sees them in
// impression order: learning each click at once and its silent neighbours a
// window later would feed FTRL runs of positives then runs of negatives,
// and its adaptive rates would overshoot each way.
//
// Memory is bounded whatever the traffic: rows of recent bids sit in a
// direct-mapped table by bid key (a bid whose slot is reused before it wins
// is not learned from); impressions waiting for their label are capped
// (past the cap the oldest is labelled early, counted as labelled_early).
//
// Every publish interval the learners' weights are published as an
// immutable OnlineModel that ControlState carries to the shards; the bid
// path blends it with the tree models (CandidateScorer). The learners'
// state is saved under the engine's data directory and reloaded at start.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "bidline/config/model_settings.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/shard_event.h"
#include "bidline/models/ftrl.h"

namespace bidline {

// What the bid path reads: immutable once published.
struct OnlineModel {
    OnlineModel(models::FtrlSnapshot click_weights, models::FtrlSnapshot conversion_weights)
        : click(std::move(click_weights)), conversion(std::move(conversion_weights)) {}
    models::FtrlSnapshot click, conversion;
    // Rows each learner has learned per line item, keyed by the row's
    // line_item_hash slot (stable across restarts and catalog reloads),
    // sorted by key.
    using Learned = std::vector<std::pair<std::uint32_t, float>>;
    Learned impressions, clicks;
    models::FtrlBlendPolicy click_blend, conversion_blend;
    double min_impressions = 0, min_clicks = 0;

    // `line_item_hash`: the row's Feature::line_item_hash value.
    static double learned(const Learned& counts, float line_item_hash);
};

class OnlineLearning {
public:
    // `state_dir` empty: nothing is saved or loaded.
    OnlineLearning(const OnlineLearningSettings& settings, std::filesystem::path state_dir);

    void note_features(const BidFeatures& f);
    void note_win(std::uint64_t bid_key, std::int64_t t_us);
    void note_click(std::uint64_t bid_key, std::int64_t t_us);
    void note_conversion(std::uint64_t bid_key, std::int64_t t_us);

    // Labels what has waited past its window; publishes every few seconds.
    void tick(std::int64_t now_us);
    // Writes the learners' state (at intervals from tick, and at stop).
    void save();

    std::shared_ptr<const OnlineModel> published() const { return published_; }
    // /v1/stats "online_learning"; `rows_scored`: candidates the bid path
    // scored with the published weights (the shards' ModelCounters).
    void write_json(JsonWriter& j, std::uint64_t rows_scored) const;

    struct LearnerStats {
        std::uint64_t rows = 0, positives = 0;
        double log_loss_sum = 0;  // progressive validation: each row scored before it is learned
    };
    const LearnerStats& click_stats() const { return click_.stats; }
    const LearnerStats& conversion_stats() const { return conversion_.stats; }

private:
    struct Recent {
        std::uint64_t bid_key = 0;
        bool has_row = false, won = false, clicked = false;
        std::int64_t won_us = 0, clicked_us = 0;
        std::array<float, models::kFeatureCount> row{};
    };
    struct Waiting {
        std::int64_t since_us = 0;
        bool positive = false;  // its outcome arrived: learned as 1 when the window closes
        std::array<float, models::kFeatureCount> row{};
    };
    // One learner with the rows waiting for their label.
    struct Learner {
        Learner(const models::FtrlConfig& c, std::chrono::seconds window) : ftrl(c), window_us(window.count() * 1'000'000) {}
        models::FtrlLearner ftrl;
        std::int64_t window_us;
        std::unordered_map<std::uint64_t, Waiting> waiting;  // by bid key
        std::deque<std::pair<std::int64_t, std::uint64_t>> order;  // (since, bid key), oldest first
        std::unordered_map<std::uint32_t, float> learned;  // rows learned per line_item_hash
        LearnerStats stats;
        std::uint64_t labelled_early = 0;
        std::uint64_t rows_published = 0;  // rows_seen() behind the published weights
    };

    Recent& slot_of(std::uint64_t bid_key);  // the direct-mapped slot, whoever holds it
    Recent* recent(std::uint64_t bid_key);    // the slot if it holds this bid
    // The impression (or click) is complete: its row waits for the outcome.
    void expose(Learner& l, std::uint64_t bid_key, const Recent& r, std::int64_t since_us);
    // The outcome arrived: the row will be a positive.
    bool resolve(Learner& l, std::uint64_t bid_key);
    void learn(Learner& l, const Waiting& w, double label);
    // Learns the oldest waiting row with its label; false if it had already left.
    bool label_oldest(Learner& l);
    void expire(Learner& l, std::int64_t now_us);
    void load(Learner& l, const char* name);
    // line_items.tsv: the per line item counts beside the learners' state.
    void load_counts();
    void save_counts() const;
    void publish();

    OnlineLearningSettings settings_;
    std::filesystem::path dir_;
    std::vector<Recent> recent_;
    Learner click_, conversion_;
    std::shared_ptr<const OnlineModel> published_;
    std::uint64_t rows_at_publish_ = 0;
    std::int64_t published_us_ = 0, saved_us_ = 0;
    std::uint64_t rows_at_save_ = 0;
};

}  // namespace bidline
