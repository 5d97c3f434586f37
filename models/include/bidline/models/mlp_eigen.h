// The MLP evaluator of the bid path: float32 matrix products with Eigen.
// One candidate is a chain of matrix-vector products; a request's
// candidates go together as matrix-matrix products (one column per
// candidate), which reads each weight once per batch instead of once per
// candidate — the weights (295 KB for 128-256-128-64-1) do not fit in L1,
// so that is where batching wins.
//
// EigenMlp is immutable and shared by every thread; each thread owns an
// MlpScratch (made once, at start-up) for the layer outputs, so evaluating
// allocates nothing. Batches larger than the scratch's max_batch are done
// in pieces.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "bidline/models/mlp_network.h"

namespace bidline::models {

// Working memory of one thread: two layer-output buffers, used in turn.
class MlpScratch {
public:
    [[nodiscard]] std::size_t max_batch() const { return max_batch_; }

private:
    friend class EigenMlp;
    MlpScratch(std::size_t width, std::size_t max_batch)
        : max_batch_(max_batch), ping_(width * max_batch), pong_(width * max_batch) {}
    std::size_t max_batch_;
    Eigen::VectorXf ping_;
    Eigen::VectorXf pong_;
};

class EigenMlp {
public:
    explicit EigenMlp(const MlpNetwork& network);

    [[nodiscard]] std::size_t num_features() const { return inputs_; }
    // Allocates: once per thread, off the hot path. max_batch ≥ 1.
    [[nodiscard]] MlpScratch make_scratch(std::size_t max_batch) const;

    // `row` holds num_features() floats.
    [[nodiscard]] float predict(const float* row, MlpScratch& scratch) const;
    // Row i at rows + i·stride (stride in floats), prediction i into out[i].
    void predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out, MlpScratch& scratch) const;

private:
    struct Layer {
        Eigen::MatrixXf weights;  // units × inputs
        Eigen::VectorXf biases;
        MlpActivation activation;
    };

    void predict_piece(const float* rows, std::size_t n, std::size_t stride, float* out, MlpScratch& scratch) const;

    std::size_t inputs_ = 0;
    std::size_t widest_ = 0;  // the most units of any layer
    std::vector<Layer> layers_;
};

}  // namespace bidline::models
