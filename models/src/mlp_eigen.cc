#include "bidline/models/mlp_eigen.h"

#include <algorithm>

namespace bidline::models {
namespace {

template <class Block>
void activate(MlpActivation a, Block&& m) {
    switch (a) {
        case MlpActivation::kIdentity:
            break;
        case MlpActivation::kRelu:
            m = m.cwiseMax(0.0f);
            break;
        case MlpActivation::kSigmoid:
            m = (1.0f + (-m.array()).exp()).inverse().matrix();
            break;
        case MlpActivation::kTanh:
            m = m.array().tanh().matrix();
            break;
    }
}

}  // namespace

EigenMlp::EigenMlp(const MlpNetwork& network) : inputs_(network.inputs) {
    check_mlp_network(network);
    for (const MlpLayer& l : network.layers) {
        // The file is row-major (unit by unit); Eigen's default is column-major.
        Layer layer{Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                        l.weights.data(), static_cast<Eigen::Index>(l.units), static_cast<Eigen::Index>(l.inputs)),
                    Eigen::Map<const Eigen::VectorXf>(l.biases.data(), static_cast<Eigen::Index>(l.units)),
                    l.activation};
        layers_.push_back(std::move(layer));
        widest_ = std::max(widest_, l.units);
    }
}

MlpScratch EigenMlp::make_scratch(std::size_t max_batch) const {
    return MlpScratch(widest_, std::max<std::size_t>(1, max_batch));
}

float EigenMlp::predict(const float* row, MlpScratch& scratch) const {
    float* next = scratch.ping_.data();
    float* other = scratch.pong_.data();
    const float* current = row;
    for (const Layer& l : layers_) {
        Eigen::Map<Eigen::VectorXf> h(next, l.weights.rows());
        Eigen::Map<const Eigen::VectorXf> x(current, l.weights.cols());
        h.noalias() = l.weights * x;
        h += l.biases;
        activate(l.activation, h);
        current = next;
        std::swap(next, other);
    }
    return current[0];
}

void EigenMlp::predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out,
                             MlpScratch& scratch) const {
    for (std::size_t first = 0; first < n; first += scratch.max_batch_) {
        const std::size_t count = std::min(scratch.max_batch_, n - first);
        predict_piece(rows + first * stride, count, stride, out + first, scratch);
    }
}

void EigenMlp::predict_piece(const float* rows, std::size_t n, std::size_t stride, float* out,
                             MlpScratch& scratch) const {
    using Strided = Eigen::Map<const Eigen::MatrixXf, Eigen::Unaligned, Eigen::OuterStride<>>;
    const auto cols = static_cast<Eigen::Index>(n);
    float* next = scratch.ping_.data();
    float* other = scratch.pong_.data();
    // Candidates are rows in memory and columns here: the same bytes, no copy.
    Strided x0(rows, static_cast<Eigen::Index>(inputs_), cols, Eigen::OuterStride<>(static_cast<Eigen::Index>(stride)));
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Layer& l = layers_[i];
        Eigen::Map<Eigen::MatrixXf> h(next, l.weights.rows(), cols);
        if (i == 0) {
            h.noalias() = l.weights * x0;
        } else {
            Eigen::Map<const Eigen::MatrixXf> x(other, l.weights.cols(), cols);
            h.noalias() = l.weights * x;
        }
        h.colwise() += l.biases;
        activate(l.activation, h);
        std::swap(next, other);
    }
    // The last layer has one unit: its outputs are contiguous in `other`.
    std::copy(other, other + n, out);
}

}  // namespace bidline::models
