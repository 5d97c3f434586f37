#include "bidline/models/mlp_reference.h"

#include <cmath>
#include <utility>
#include <vector>

namespace bidline::models {

float apply_mlp_activation(MlpActivation a, float x) {
    switch (a) {
        case MlpActivation::kIdentity:
            return x;
        case MlpActivation::kRelu:
            return x > 0 ? x : 0.0f;
        case MlpActivation::kSigmoid:
            return 1.0f / (1.0f + std::exp(-x));
        case MlpActivation::kTanh:
            return std::tanh(x);
    }
    return x;
}

ReferenceMlp::ReferenceMlp(MlpNetwork network) : network_(std::move(network)) { check_mlp_network(network_); }

float ReferenceMlp::predict(const float* row) const {
    std::vector<float> in(row, row + network_.inputs);
    for (const MlpLayer& l : network_.layers) {
        std::vector<float> out(l.units);
        for (std::size_t u = 0; u < l.units; ++u) {
            float sum = l.biases[u];
            for (std::size_t i = 0; i < l.inputs; ++i) sum += l.weights[u * l.inputs + i] * in[i];
            out[u] = apply_mlp_activation(l.activation, sum);
        }
        in = std::move(out);
    }
    return in[0];
}

}  // namespace bidline::models
