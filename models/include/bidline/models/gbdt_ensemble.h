// A gradient-boosted tree ensemble as loaded from a model file: plain trees
// of nodes, the objective and the base score. This is the format-neutral
// form that the XGBoost loader produces and both evaluators read; the
// reference evaluator walks it directly, the fast one flattens it.
//
// Immutable after loading; safe to share between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bidline::models {

// How a summed margin becomes a prediction. binary:logistic and
// reg:logistic share the sigmoid.
enum class GbdtObjective : std::uint8_t {
    kLogistic,      // binary:logistic, reg:logistic: sigmoid(margin)
    kSquaredError,  // reg:squarederror: the margin itself
    kPoisson,       // count:poisson: exp(margin)
};

struct GbdtNode {
    std::int32_t left = -1;  // -1: this node is a leaf
    std::int32_t right = -1;
    std::uint32_t feature = 0;
    // Split threshold of an inner node (go left when value < threshold),
    // or the leaf value of a leaf.
    float value = 0.0f;
    bool default_left = false;  // where a missing (NaN) value goes

    [[nodiscard]] bool is_leaf() const { return left < 0; }
};

// Node 0 is the root. Loading guarantees every child index is in range and
// every node is reached exactly once from the root (no cycles, no sharing).
struct GbdtTree {
    std::vector<GbdtNode> nodes;

    // Number of inner nodes on the longest root-to-leaf path (a lone leaf: 0).
    [[nodiscard]] int depth() const;
};

struct GbdtEnsemble {
    std::size_t num_features = 0;
    GbdtObjective objective = GbdtObjective::kSquaredError;
    std::string objective_name;  // as in the file, e.g. "binary:logistic"
    float base_score = 0.5f;     // as stored: in prediction space
    float base_margin = 0.0f;    // base_score in margin space: where the tree sum starts
    std::vector<GbdtTree> trees;
};

// Maps a name from an XGBoost model file; false when unsupported.
[[nodiscard]] bool parse_gbdt_objective(const std::string& name, GbdtObjective& out);

// The margin a base score stands for, computed in float as XGBoost 1.7 does
// (logit for logistic, log for Poisson), so sums start from the same bits.
[[nodiscard]] float gbdt_base_margin(GbdtObjective objective, float base_score);

// Margin → prediction, in float with the same libm calls as XGBoost 1.7.
[[nodiscard]] float gbdt_transform(GbdtObjective objective, float margin);

}  // namespace bidline::models
