#include "bidline/models/gbdt_ensemble.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace bidline::models {

int GbdtTree::depth() const {
    // Iterative walk: trees from files may be deeper than the stack likes.
    int deepest = 0;
    std::vector<std::pair<std::int32_t, int>> pending{{0, 0}};
    while (!pending.empty()) {
        const auto [id, d] = pending.back();
        pending.pop_back();
        const GbdtNode& n = nodes[static_cast<std::size_t>(id)];
        if (n.is_leaf()) {
            deepest = std::max(deepest, d);
        } else {
            pending.emplace_back(n.left, d + 1);
            pending.emplace_back(n.right, d + 1);
        }
    }
    return deepest;
}

bool parse_gbdt_objective(const std::string& name, GbdtObjective& out) {
    if (name == "binary:logistic" || name == "reg:logistic")
        out = GbdtObjective::kLogistic;
    else if (name == "reg:squarederror")
        out = GbdtObjective::kSquaredError;
    else if (name == "count:poisson")
        out = GbdtObjective::kPoisson;
    else
        return false;
    return true;
}

float gbdt_base_margin(GbdtObjective objective, float base_score) {
    switch (objective) {
        case GbdtObjective::kLogistic:
            return -std::log(1.0f / base_score - 1.0f);
        case GbdtObjective::kPoisson:
            return std::log(base_score);
        case GbdtObjective::kSquaredError:
            break;
    }
    return base_score;
}

float gbdt_transform(GbdtObjective objective, float margin) {
    switch (objective) {
        case GbdtObjective::kLogistic:
            return 1.0f / (1.0f + std::exp(-margin));
        case GbdtObjective::kPoisson:
            return std::exp(margin);
        case GbdtObjective::kSquaredError:
            break;
    }
    return margin;
}

}  // namespace bidline::models
