// The plain MLP evaluator: three nested loops per layer straight from the
// row-major weights, float accumulation in input order. Tests and the
// benchmark hold EigenMlp to it; not for the bid path (it allocates).
#pragma once

#include <cstddef>

#include "bidline/models/mlp_network.h"

namespace bidline::models {

class ReferenceMlp {
public:
    explicit ReferenceMlp(MlpNetwork network);

    [[nodiscard]] std::size_t num_features() const { return network_.inputs; }
    [[nodiscard]] float predict(const float* row) const;

private:
    MlpNetwork network_;
};

// One activation in float, as both evaluators define it.
[[nodiscard]] float apply_mlp_activation(MlpActivation a, float x);

}  // namespace bidline::models
