// Both GBDT evaluators predict what libxgboost itself predicts, for models
// libxgboost trains here on generated data with missing values: every
// objective we support, several depths and tree counts, saved as JSON and
// as UBJSON.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "bidline/models/gbdt_flat.h"
#include "bidline/models/gbdt_reference.h"
#include "bidline/models/xgboost_loader.h"
#include "models/xgboost_trainer.h"

namespace bidline::models {
namespace {

using test::GeneratedData;
using test::XgbBooster;

struct Case {
    std::string objective;
    int trees;
    int depth;
    std::size_t features;
    std::vector<std::pair<std::string, std::string>> extra;
};

std::string case_name(const Case& c) {
    std::string name = c.objective + "_" + std::to_string(c.trees) + "x" + std::to_string(c.depth);
    for (char& ch : name)
        if (ch == ':') ch = '_';
    return name;
}

std::filesystem::path temp_model(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("bidline_models_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

class XgboostEquivalence : public ::testing::TestWithParam<Case> {};

TEST_P(XgboostEquivalence, EveryRowEqualsLibxgboostFromJsonAndUbjson) {
    const Case& c = GetParam();
    const GeneratedData train = test::generate_data(2000, c.features, c.objective, 0.15, 11);
    XgbBooster booster;
    XgbBooster::train(booster, train, c.objective, c.trees, c.depth, c.extra);
    // Fresh rows, with more missing values than in training and some infinities.
    GeneratedData rows = test::generate_data(700, c.features, c.objective, 0.3, 99);
    rows.x[3] = INFINITY;
    rows.x[c.features + 1] = -INFINITY;
    const std::vector<float> expected = booster.predict_all(rows);

    for (const char* ext : {".json", ".ubj"}) {
        const auto path = temp_model(case_name(c) + ext);
        booster.save(path);
        const GbdtEnsemble ensemble = load_xgboost_model(path);
        ASSERT_EQ(ensemble.num_features, c.features);
        ASSERT_EQ(ensemble.trees.size(), static_cast<std::size_t>(c.trees));
        if (c.depth > FlatGbdt::kMaxPaddedDepth) {  // the case meant for the compact layout really uses it
            int deepest = 0;
            for (const GbdtTree& t : ensemble.trees) deepest = std::max(deepest, t.depth());
            ASSERT_GT(deepest, FlatGbdt::kMaxPaddedDepth);
        }
        const ReferenceGbdt reference(ensemble);
        const FlatGbdt flat(ensemble);
        std::vector<float> batch(rows.rows);
        flat.predict_batch(rows.x.data(), rows.rows, rows.features, batch.data());
        std::size_t exact = 0;
        for (std::size_t r = 0; r < rows.rows; ++r) {
            const float* row = &rows.x[r * rows.features];
            ASSERT_NEAR(reference.predict(row), expected[r], 1e-6) << ext << " row " << r;
            ASSERT_NEAR(flat.predict(row), expected[r], 1e-6) << ext << " row " << r;
            ASSERT_EQ(flat.predict(row), reference.predict(row)) << ext << " row " << r;
            ASSERT_EQ(batch[r], flat.predict(row)) << ext << " row " << r;
            exact += reference.predict(row) == expected[r];
        }
        // Same floats added in the same order: not just near, identical.
        EXPECT_EQ(exact, rows.rows) << ext;
        std::filesystem::remove(path);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Objectives, XgboostEquivalence,
    ::testing::Values(Case{"binary:logistic", 30, 6, 12, {}}, Case{"binary:logistic", 1, 1, 3, {}},
                      Case{"reg:logistic", 20, 4, 9, {}}, Case{"reg:squarederror", 40, 8, 10, {}},
                      Case{"count:poisson", 25, 5, 7, {}},
                      // base_score away from the default 0.5.
                      Case{"binary:logistic", 10, 3, 6, {{"base_score", "0.2"}}},
                      Case{"reg:squarederror", 12, 3, 6, {{"base_score", "37.5"}}},
                      Case{"count:poisson", 12, 3, 6, {{"base_score", "2.5"}}},
                      // Deeper than the padded layout: the compact path.
                      Case{"reg:squarederror", 9, 13, 8, {{"min_child_weight", "0"}, {"lambda", "0"}}},
                      // Loss-guided growth: uneven trees.
                      Case{"binary:logistic", 17, 0, 16, {{"grow_policy", "lossguide"}, {"max_leaves", "40"}}}),
    [](const auto& info) { return case_name(info.param) + "_" + std::to_string(info.index); });

}  // namespace
}  // namespace bidline::models
