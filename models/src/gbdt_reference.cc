#include "bidline/models/gbdt_reference.h"

#include <cmath>

namespace bidline::models {

float ReferenceGbdt::margin(const float* row) const {
    float sum = ensemble_.base_margin;
    for (const GbdtTree& tree : ensemble_.trees) {
        const GbdtNode* node = &tree.nodes[0];
        while (!node->is_leaf()) {
            const float x = row[node->feature];
            const bool left = std::isnan(x) ? node->default_left : x < node->value;
            node = &tree.nodes[static_cast<std::size_t>(left ? node->left : node->right)];
        }
        sum += node->value;
    }
    return sum;
}

float ReferenceGbdt::predict(const float* row) const { return gbdt_transform(ensemble_.objective, margin(row)); }

void ReferenceGbdt::predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = predict(rows + i * stride);
}

}  // namespace bidline::models
