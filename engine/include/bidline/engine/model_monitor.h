// How the models are doing, on the control thread: per version, the rows it
// scored, its mean prediction, the bids it priced and — for click models —
// the impressions and clicks those bids got (live calibration: predicted vs
// observed CTR per score bucket); drift of the active click model's inputs
// and scores against its training reference (PSI and KS per feature; PSI
// above 0.25 flags a retrain); scoring latency percentiles; and how many
// candidates bid conservatively for want of a fresh model. Read into
// /v1/stats ("models") and /metrics (bidline_model_*).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bidline/engine/model_counters.h"
#include "bidline/engine/model_set.h"

namespace bidline {

struct EngineState;
class JsonWriter;

class ModelMonitor {
public:
    // Sums the shards' counters and attributes what is new since the last
    // tick to the versions live now.
    void tick(const EngineState& state);
    // A won impression / a click of a bid with ShardEvent::score `score`.
    void on_win(std::uint8_t score);
    void on_click(std::uint8_t score);

    void write_json(JsonWriter& j) const;
    void write_prometheus(std::string& out) const;

    struct DriftRow {
        std::string name;
        double psi = 0, ks = 0;
    };
    const std::vector<DriftRow>& drift() const { return drift_; }
    bool retrain_flagged() const;

private:
    struct VersionStats {
        std::uint64_t rows = 0, bids = 0;
        double prediction_sum = 0;
        std::array<std::uint64_t, kScoreBuckets> wins{}, clicks{};  // click models: by score bucket
    };
    VersionStats& stats(ModelRole r, std::uint32_t version) { return versions_[{r, version}]; }
    std::uint32_t click_version(bool candidate) const;

    std::shared_ptr<const ModelSet> set_;
    std::map<std::pair<ModelRole, std::uint32_t>, VersionStats> versions_;
    std::array<std::array<std::array<std::uint64_t, 3>, 2>, kModelRoles> last_{};  // [role][slot]{rows, micros, bids}
    std::uint64_t stale_ = 0, unscored_ = 0, batches_ = 0;
    std::array<std::uint64_t, LatencyHistogram::kBuckets> latency_{};
    std::vector<DriftRow> drift_;
    std::uint64_t drift_rows_ = 0;
};

}  // namespace bidline
