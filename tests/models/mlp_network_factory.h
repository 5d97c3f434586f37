// Random MLPs for tests and benchmarks: seeded, with weights scaled by
// 1/sqrt(inputs) so activations stay in a useful range through the layers.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "bidline/models/mlp_network.h"

namespace bidline::test {

inline models::MlpNetwork random_mlp(const std::vector<std::size_t>& widths,
                                     const std::vector<models::MlpActivation>& activations, unsigned seed) {
    std::mt19937 rng(seed);
    models::MlpNetwork n;
    n.inputs = widths.front();
    for (std::size_t i = 1; i < widths.size(); ++i) {
        models::MlpLayer l;
        l.inputs = widths[i - 1];
        l.units = widths[i];
        l.activation = activations[i - 1];
        std::normal_distribution<float> w(0.0f, 1.0f / std::sqrt(static_cast<float>(l.inputs)));
        for (std::size_t k = 0; k < l.inputs * l.units; ++k) l.weights.push_back(w(rng));
        for (std::size_t k = 0; k < l.units; ++k) l.biases.push_back(w(rng) * 0.1f);
        n.layers.push_back(std::move(l));
    }
    return n;
}

// The reference shape: 128→256→128→64→1, ReLU, sigmoid output.
inline models::MlpNetwork reference_shape_mlp(unsigned seed) {
    using models::MlpActivation;
    return random_mlp({128, 256, 128, 64, 1},
                      {MlpActivation::kRelu, MlpActivation::kRelu, MlpActivation::kRelu, MlpActivation::kSigmoid},
                      seed);
}

inline std::vector<float> random_rows(std::size_t rows, std::size_t width, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> x(0.0f, 1.0f);
    std::vector<float> v(rows * width);
    for (float& f : v) f = x(rng);
    return v;
}

}  // namespace bidline::test
