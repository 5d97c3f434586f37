// A damaged or foreign MLP file is refused at load time with a message that
// says what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "bidline/models/mlp_format.h"
#include "bidline/models/model_load_error.h"
#include "models/mlp_network_factory.h"

namespace bidline::models {
namespace {

std::string small_model() {
    return serialize_mlp(test::random_mlp({3, 2, 1}, {MlpActivation::kRelu, MlpActivation::kSigmoid}, 1));
}

void expect_error(const std::string& bytes, const std::string& fragment) {
    try {
        (void)parse_mlp(bytes);
        FAIL() << "accepted; expected an error containing: " << fragment;
    } catch (const ModelLoadError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(MlpFormat, HeaderIsOneJsonLine) {
    const std::string bytes = small_model();
    EXPECT_EQ(
        bytes.substr(0, bytes.find('\n')),
        R"({"format":"bidline-mlp","version":1,"inputs":3,"layers":[{"units":2,"activation":"relu"},{"units":1,"activation":"sigmoid"}]})");
    EXPECT_EQ(bytes.size() - bytes.find('\n') - 1, (2 * 3 + 2 + 1 * 2 + 1) * sizeof(float));
}

TEST(MlpFormat, TruncatedWeightsAreRefused) {
    const std::string bytes = small_model();
    expect_error(bytes.substr(0, bytes.size() - 4), "weights end early");
}

TEST(MlpFormat, ExtraBytesAreRefused) { expect_error(small_model() + "xxxx", "after the last layer"); }

TEST(MlpFormat, UnknownVersionIsRefused) {
    std::string bytes = small_model();
    bytes.replace(bytes.find("\"version\":1"), 11, "\"version\":7");
    expect_error(bytes, "version 7 is not supported");
}

TEST(MlpFormat, UnknownActivationIsRefused) {
    std::string bytes = small_model();
    bytes.replace(bytes.find("\"relu\""), 6, "\"gelu\"");
    expect_error(bytes, "activation");
}

TEST(MlpFormat, LastLayerMustBeOneUnit) {
    std::string bytes = small_model();
    // Claim 2 output units and supply their weights: the sizes add up, the
    // architecture does not.
    bytes.replace(bytes.find("{\"units\":1"), 10, "{\"units\":2");
    bytes += std::string(3 * sizeof(float), '\0');
    expect_error(bytes, "last layer must have 1 unit");
}

TEST(MlpFormat, ForeignBytesAreRefused) { expect_error("{\"learner\":{}}", "does not start with"); }

}  // namespace
}  // namespace bidline::models
