// The Eigen MLP predicts what the naive three-loop reference predicts, one
// row at a time and in batches (larger than its scratch, with a row stride
// wider than the input), for the reference shape and other activations.
#include <gtest/gtest.h>

#include "bidline/models/mlp_eigen.h"
#include "bidline/models/mlp_format.h"
#include "bidline/models/mlp_reference.h"
#include "models/mlp_network_factory.h"

namespace bidline::models {
namespace {

// Different summation order (blocked products) and Eigen's vectorised exp.
constexpr float kTolerance = 2e-5f;

void expect_equal_to_reference(const MlpNetwork& network, std::size_t rows, std::size_t stride) {
    const ReferenceMlp reference(network);
    const EigenMlp mlp(network);
    MlpScratch scratch = mlp.make_scratch(16);
    const std::vector<float> x = test::random_rows(rows, stride, 5);
    std::vector<float> batch(rows, -1.0f);
    mlp.predict_batch(x.data(), rows, stride, batch.data(), scratch);
    for (std::size_t r = 0; r < rows; ++r) {
        const float expected = reference.predict(&x[r * stride]);
        EXPECT_NEAR(mlp.predict(&x[r * stride], scratch), expected, kTolerance) << "row " << r;
        EXPECT_NEAR(batch[r], expected, kTolerance) << "row " << r;
    }
}

TEST(EigenMlp, ReferenceShapeEqualsNaiveLoops) { expect_equal_to_reference(test::reference_shape_mlp(1), 53, 128); }

TEST(EigenMlp, StridedRowsAndOtherActivations) {
    const MlpNetwork n =
        test::random_mlp({10, 7, 5, 1}, {MlpActivation::kTanh, MlpActivation::kIdentity, MlpActivation::kRelu}, 3);
    expect_equal_to_reference(n, 40, 13);
}

TEST(EigenMlp, SurvivesItsFileFormat) {
    const MlpNetwork n = test::reference_shape_mlp(2);
    const MlpNetwork back = parse_mlp(serialize_mlp(n));
    ASSERT_EQ(back.inputs, n.inputs);
    ASSERT_EQ(back.layers.size(), n.layers.size());
    for (std::size_t i = 0; i < n.layers.size(); ++i) {
        EXPECT_EQ(back.layers[i].activation, n.layers[i].activation);
        EXPECT_EQ(back.layers[i].weights, n.layers[i].weights);
        EXPECT_EQ(back.layers[i].biases, n.layers[i].biases);
    }
}

}  // namespace
}  // namespace bidline::models
