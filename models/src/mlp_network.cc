#include "bidline/models/mlp_network.h"

#include "bidline/models/model_load_error.h"

namespace bidline::models {

bool parse_mlp_activation(const std::string& name, MlpActivation& out) {
    if (name == "identity")
        out = MlpActivation::kIdentity;
    else if (name == "relu")
        out = MlpActivation::kRelu;
    else if (name == "sigmoid")
        out = MlpActivation::kSigmoid;
    else if (name == "tanh")
        out = MlpActivation::kTanh;
    else
        return false;
    return true;
}

const char* mlp_activation_name(MlpActivation a) {
    switch (a) {
        case MlpActivation::kIdentity:
            return "identity";
        case MlpActivation::kRelu:
            return "relu";
        case MlpActivation::kSigmoid:
            return "sigmoid";
        case MlpActivation::kTanh:
            return "tanh";
    }
    return "?";
}

void check_mlp_network(const MlpNetwork& n) {
    if (n.inputs == 0) throw ModelLoadError("MLP: no inputs");
    if (n.layers.empty()) throw ModelLoadError("MLP: no layers");
    std::size_t width = n.inputs;
    for (std::size_t i = 0; i < n.layers.size(); ++i) {
        const MlpLayer& l = n.layers[i];
        const std::string where = "MLP layer " + std::to_string(i) + ": ";
        if (l.inputs != width)
            throw ModelLoadError(where + "takes " + std::to_string(l.inputs) + " inputs, the layer before gives " +
                                 std::to_string(width));
        if (l.units == 0) throw ModelLoadError(where + "no units");
        if (l.weights.size() != l.units * l.inputs || l.biases.size() != l.units)
            throw ModelLoadError(where + "weights or biases of the wrong size");
        width = l.units;
    }
    if (width != 1)
        throw ModelLoadError("MLP: the last layer must have 1 unit (the prediction), not " + std::to_string(width));
}

}  // namespace bidline::models
