// FlatGbdt evaluation: the hot loops (layout in gbdt_flat.h). Every sum adds
// leaf values one at a time in tree order, starting from the base margin,
// exactly like XGBoost 1.7: float addition is not associative, and equality
// with the library is the contract.
#include <algorithm>
#include <cmath>

#include "bidline/models/gbdt_flat.h"

namespace bidline::models {
namespace {

constexpr std::size_t kLanes = FlatGbdt::kTreesPerGroup;

}  // namespace

void FlatGbdt::fill_slots(const float* row, float* slots) const {
    const std::size_t f = num_features_;
    for (std::size_t i = 0; i < f; ++i) {
        const float x = row[i];
        const bool missing = std::isnan(x);
        slots[i] = missing ? -INFINITY : x;
        slots[f + i] = missing ? INFINITY : x;
    }
}

// One group's trees for one row, added to `sum` in tree order.
inline float FlatGbdt::add_group(const TreeGroup& g, const float* slots, float sum) const {
    std::uint32_t at[kLanes];
    if (g.padded) {
        const SplitNode* nodes = split_nodes_.data() + g.offset;
#pragma GCC unroll 16
        for (std::size_t k = 0; k < kLanes; ++k) at[k] = 0;
        for (int level = 0; level < g.depth; ++level) {
#pragma GCC unroll 16
            for (std::size_t k = 0; k < kLanes; ++k) {
                const SplitNode n = nodes[at[k] * kLanes + k];
                at[k] = 2 * at[k] + 1 + static_cast<std::uint32_t>(!(slots[n.slot] < n.threshold));
            }
        }
        const float* leaves = leaves_.data() + g.leaf_offset;
        const std::uint32_t first_leaf = (1u << g.depth) - 1;
#pragma GCC unroll 16
        for (std::size_t k = 0; k < kLanes; ++k) sum += leaves[(at[k] - first_leaf) * kLanes + k];
        return sum;
    }
    const CompactNode* nodes = compact_nodes_.data();
#pragma GCC unroll 16
    for (std::size_t k = 0; k < kLanes; ++k) at[k] = g.roots[k];
    for (int level = 0; level < g.depth; ++level) {
#pragma GCC unroll 16
        for (std::size_t k = 0; k < kLanes; ++k) {
            const CompactNode& n = nodes[at[k]];
            at[k] = n.child[!(slots[n.slot] < n.threshold)];
        }
    }
#pragma GCC unroll 16
    for (std::size_t k = 0; k < kLanes; ++k) sum += nodes[at[k]].leaf_value;
    return sum;
}

float FlatGbdt::margin(const float* row) const {
    alignas(64) float slots[2 * kMaxFeatures];
    fill_slots(row, slots);
    float sum = base_margin_;
    for (const TreeGroup& g : groups_) sum = add_group(g, slots, sum);
    return sum;
}

float FlatGbdt::predict(const float* row) const { return gbdt_transform(objective_, margin(row)); }

void FlatGbdt::predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out) const {
    alignas(64) float slots[2 * kMaxFeatures];
    const std::size_t width = 2 * num_features_;
    const std::size_t block =
        std::max<std::size_t>(1, std::min(kBlockRows, 2 * kMaxFeatures / std::max<std::size_t>(width, 1)));
    for (std::size_t first = 0; first < n; first += block) {
        const std::size_t count = std::min(block, n - first);
        float sums[kBlockRows];
        for (std::size_t r = 0; r < count; ++r) {
            fill_slots(rows + (first + r) * stride, slots + r * width);
            sums[r] = base_margin_;
        }
        // Group-major: a group's nodes stay in L1 while every row of the block walks them.
        for (const TreeGroup& g : groups_)
            for (std::size_t r = 0; r < count; ++r) sums[r] = add_group(g, slots + r * width, sums[r]);
        for (std::size_t r = 0; r < count; ++r) out[first + r] = gbdt_transform(objective_, sums[r]);
    }
}

}  // namespace bidline::models
