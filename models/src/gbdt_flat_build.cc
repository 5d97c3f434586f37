// FlatGbdt construction: grouping trees and laying out their nodes (see
// gbdt_flat.h for the layout and why).
#include <algorithm>
#include <cmath>
#include <string>

#include "bidline/models/gbdt_flat.h"
#include "bidline/models/model_load_error.h"

namespace bidline::models {
namespace {

constexpr std::size_t kGroupSize = FlatGbdt::kTreesPerGroup;

// Pads a short group: a lone leaf of value 0 adds exactly nothing to a sum.
const GbdtTree& zero_tree() {
    static const GbdtTree tree{{GbdtNode{}}};
    return tree;
}

}  // namespace

FlatGbdt::FlatGbdt(const GbdtEnsemble& e)
    : num_features_(e.num_features), objective_(e.objective), base_margin_(e.base_margin) {
    if (num_features_ > kMaxFeatures)
        throw ModelLoadError("the fast evaluator takes at most " + std::to_string(kMaxFeatures) +
                             " features, the model has " + std::to_string(num_features_));
    for (const GbdtTree& tree : e.trees)
        for (const GbdtNode& node : tree.nodes)
            if (!node.is_leaf() && node.value == -INFINITY)
                throw ModelLoadError("a split threshold of -inf is not supported by the fast evaluator");

    for (std::size_t first = 0; first < e.trees.size(); first += kGroupSize) {
        std::array<const GbdtTree*, kGroupSize> group{};
        int depth = 0;
        for (std::size_t k = 0; k < kGroupSize; ++k) {
            group[k] = first + k < e.trees.size() ? &e.trees[first + k] : &zero_tree();
            depth = std::max(depth, group[k]->depth());
        }
        if (depth <= kMaxPaddedDepth)
            add_padded_group(group.data(), depth);
        else
            add_deep_group(group.data(), depth);
    }
}

void FlatGbdt::add_padded_group(const GbdtTree* const* trees, int depth) {
    TreeGroup g;
    g.depth = depth;
    g.offset = static_cast<std::uint32_t>(split_nodes_.size());
    g.leaf_offset = static_cast<std::uint32_t>(leaves_.size());
    const std::size_t inner = (std::size_t{1} << depth) - 1;
    split_nodes_.resize(split_nodes_.size() + inner * kGroupSize, SplitNode{0.0f, 0});
    leaves_.resize(leaves_.size() + (inner + 1) * kGroupSize, 0.0f);
    SplitNode* nodes = split_nodes_.data() + g.offset;  // no split nodes at all when every tree is one leaf (depth 0)
    float* leaves = &leaves_[g.leaf_offset];

    for (std::size_t k = 0; k < kGroupSize; ++k) {
        const GbdtTree& tree = *trees[k];
        // (node in the tree, position in the complete tree); a leaf above
        // the bottom fills every bottom position under it.
        std::vector<std::pair<std::int32_t, std::size_t>> pending{{0, 0}};
        while (!pending.empty()) {
            const auto [id, pos] = pending.back();
            pending.pop_back();
            const GbdtNode& n = tree.nodes[static_cast<std::size_t>(id)];
            if (pos >= inner) {
                leaves[(pos - inner) * kGroupSize + k] = n.value;
                continue;
            }
            if (n.is_leaf()) {
                pending.emplace_back(id, 2 * pos + 1);
                pending.emplace_back(id, 2 * pos + 2);
                continue;
            }
            nodes[pos * kGroupSize + k] =
                SplitNode{n.value, static_cast<std::uint32_t>(n.default_left ? n.feature : num_features_ + n.feature)};
            pending.emplace_back(n.left, 2 * pos + 1);
            pending.emplace_back(n.right, 2 * pos + 2);
        }
    }
    groups_.push_back(g);
}

void FlatGbdt::add_deep_group(const GbdtTree* const* trees, int depth) {
    TreeGroup g;
    g.depth = depth;
    g.padded = false;
    for (std::size_t k = 0; k < kGroupSize; ++k) {
        const GbdtTree& tree = *trees[k];
        const auto base = static_cast<std::uint32_t>(compact_nodes_.size());
        g.roots[k] = base;
        for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
            const GbdtNode& n = tree.nodes[i];
            const auto self = base + static_cast<std::uint32_t>(i);
            if (n.is_leaf()) {
                // NaN threshold: `slot < NaN` is false, so a leaf steps right, to itself.
                compact_nodes_.push_back(CompactNode{NAN, 0, {self, self}, n.value});
            } else {
                compact_nodes_.push_back(
                    CompactNode{n.value,
                                static_cast<std::uint32_t>(n.default_left ? n.feature : num_features_ + n.feature),
                                {base + static_cast<std::uint32_t>(n.left), base + static_cast<std::uint32_t>(n.right)},
                                0.0f});
            }
        }
    }
    groups_.push_back(g);
}

}  // namespace bidline::models
