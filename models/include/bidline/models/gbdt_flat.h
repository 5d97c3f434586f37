// The fast GBDT evaluator of the bid path: an ensemble flattened into
// cache-friendly arrays, equal bit for bit to ReferenceGbdt (and so to
// XGBoost 1.7) because it adds the same floats in the same order.
//
// Layout. Trees go in groups of kTreesPerGroup consecutive trees, evaluated
// interleaved: the group's trees advance one level together, so the CPU
// overlaps their independent load chains instead of waiting on one.
// A group whose trees are at most kMaxPaddedDepth deep is padded to a
// complete binary tree of the group's depth (a leaf above the bottom is
// copied into every bottom slot under it), so walking is branchless:
// child = 2·i + 1 + (go right), no leaf test, a fixed number of steps.
// Node i of the group's tree k sits at i·kTreesPerGroup + k: the top levels
// of all trees share cache lines. Deeper groups keep their nodes compact
// (children by index, leaves loop to themselves) and take as many steps as
// their deepest tree.
//
// Missing values. Before walking, a row is copied twice into a stack buffer
// of "slots": NaN becomes −inf in the first copy and +inf in the second. A
// node whose missing values go left reads the first copy, one whose
// missing values go right reads the second; then `slot < threshold` alone
// decides, with no NaN test per node.
//
// No allocation after construction; immutable, so any number of threads
// may evaluate concurrently. Limits (checked at construction, which throws
// ModelLoadError): at most kMaxFeatures features, no −inf thresholds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bidline/models/gbdt_ensemble.h"

namespace bidline::models {

class FlatGbdt {
public:
    static constexpr std::size_t kTreesPerGroup = 16;
    static constexpr int kMaxPaddedDepth = 10;
    static constexpr std::size_t kMaxFeatures = 4096;  // the slot buffer lives on the stack: 2 × 4096 floats
    static constexpr std::size_t kBlockRows = 16;      // rows sharing one pass over the trees in predict_batch

    explicit FlatGbdt(const GbdtEnsemble& ensemble);

    [[nodiscard]] std::size_t num_features() const { return num_features_; }
    [[nodiscard]] GbdtObjective objective() const { return objective_; }

    // `row` holds num_features() floats; NaN means missing.
    [[nodiscard]] float margin(const float* row) const;
    [[nodiscard]] float predict(const float* row) const;
    // The candidates of a request: row i at rows + i·stride (stride in
    // floats, ≥ num_features()), prediction i into out[i].
    void predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out) const;

private:
    struct SplitNode {  // inner node of a padded group: 8 bytes
        float threshold;
        std::uint32_t slot;  // feature, or num_features + feature when missing goes right
    };
    struct CompactNode {  // node of a deep group; a leaf points at itself
        float threshold;
        std::uint32_t slot;
        std::array<std::uint32_t, 2> child;  // [left, right], absolute indices
        float leaf_value;
    };
    struct TreeGroup {
        int depth = 0;
        bool padded = true;
        std::uint32_t offset = 0;                           // padded: into split_nodes_; leaves at leaf_offset
        std::uint32_t leaf_offset = 0;                      // padded only
        std::array<std::uint32_t, kTreesPerGroup> roots{};  // deep only: into compact_nodes_
    };

    void add_padded_group(const GbdtTree* const* trees, int depth);
    void add_deep_group(const GbdtTree* const* trees, int depth);
    void fill_slots(const float* row, float* slots) const;
    [[nodiscard]] float add_group(const TreeGroup& g, const float* slots, float sum) const;

    std::size_t num_features_ = 0;
    GbdtObjective objective_ = GbdtObjective::kSquaredError;
    float base_margin_ = 0;
    std::vector<TreeGroup> groups_;
    std::vector<SplitNode> split_nodes_;
    std::vector<float> leaves_;
    std::vector<CompactNode> compact_nodes_;
};

}  // namespace bidline::models
