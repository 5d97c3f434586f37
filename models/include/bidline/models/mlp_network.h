// A multi-layer perceptron as stored in a model file: the input width and,
// per layer, its size, activation, weights and biases. Format-neutral (the
// file format is in MLP_FORMAT.md, mlp_format.h reads and writes it); both
// evaluators, ReferenceMlp and EigenMlp, are built from it.
//
// Plain data; immutable once loaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bidline::models {

enum class MlpActivation : std::uint8_t { kIdentity, kRelu, kSigmoid, kTanh };

// "identity", "relu", "sigmoid", "tanh"; false when unknown.
[[nodiscard]] bool parse_mlp_activation(const std::string& name, MlpActivation& out);
[[nodiscard]] const char* mlp_activation_name(MlpActivation a);

struct MlpLayer {
    std::size_t inputs = 0;
    std::size_t units = 0;
    MlpActivation activation = MlpActivation::kRelu;
    std::vector<float> weights;  // row-major: unit u's weights at [u * inputs, (u + 1) * inputs)
    std::vector<float> biases;   // one per unit
};

// Layer i's inputs equal layer i−1's units; the last layer has one unit:
// the prediction. check_mlp_network() enforces this.
struct MlpNetwork {
    std::size_t inputs = 0;
    std::vector<MlpLayer> layers;
};

// Throws ModelLoadError naming the first inconsistency.
void check_mlp_network(const MlpNetwork& network);

}  // namespace bidline::models
