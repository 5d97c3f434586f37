// A malformed or unsupported XGBoost model is refused at load time with a
// message saying what is wrong, in either encoding.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "bidline/models/gbdt_flat.h"
#include "bidline/models/model_load_error.h"
#include "bidline/models/xgboost_loader.h"
#include "models/xgboost_trainer.h"

namespace bidline::models {
namespace {

std::string saved_model_bytes(const char* ext) {
    const auto data = test::generate_data(200, 4, "binary:logistic", 0.1, 3);
    test::XgbBooster booster;
    test::XgbBooster::train(booster, data, "binary:logistic", 2, 2);
    const auto path = std::filesystem::temp_directory_path() / ("bidline_loader_" + std::to_string(::getpid()) + ext);
    booster.save(path);
    std::string bytes = test::read_file_bytes(path);
    std::filesystem::remove(path);
    return bytes;
}

void expect_error(const std::string& bytes, const std::string& fragment) {
    try {
        (void)parse_xgboost_model(bytes);
        FAIL() << "accepted; expected an error containing: " << fragment;
    } catch (const ModelLoadError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

void replace(std::string& s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
}

TEST(XgboostLoaderErrors, UnsupportedObjectiveIsNamed) {
    std::string json = saved_model_bytes(".json");
    replace(json, "\"binary:logistic\"", "\"multi:softmax\"");
    expect_error(json, "objective \"multi:softmax\" is not supported");
}

TEST(XgboostLoaderErrors, ChildOutOfRange) {
    std::string json = saved_model_bytes(".json");
    replace(json, "\"left_children\":[1,", "\"left_children\":[99,");
    expect_error(json, "child index 99 out of range");
}

TEST(XgboostLoaderErrors, ArraysOfDifferentLengths) {
    std::string json = saved_model_bytes(".json");
    replace(json, "\"split_indices\":[", "\"split_indices\":[0,");
    expect_error(json, "\"split_indices\" in tree 0 has");
}

TEST(XgboostLoaderErrors, MissingSection) {
    std::string json = saved_model_bytes(".json");
    replace(json, "\"learner_model_param\"", "\"something_else\"");
    expect_error(json, "missing \"learner_model_param\"");
}

TEST(XgboostLoaderErrors, TruncatedJsonAndUbjson) {
    const std::string json = saved_model_bytes(".json");
    expect_error(json.substr(0, json.size() / 2), "not valid JSON");
    const std::string ubj = saved_model_bytes(".ubj");
    expect_error(ubj.substr(0, ubj.size() / 2), "bad UBJSON at byte");
}

// Found by tests/fuzz/xgboost_model_fuzz: a count written as a huge double
// was cast to size_t before its range was checked (undefined behaviour).
TEST(XgboostLoaderErrors, UbjsonCountTooLargeForSizeT) {
    using namespace std::string_literals;
    expect_error("{i\x01" "a[#D\x45\x20\x8b\x2a\x2c\x28\x02\x91"s, "bad length");
    expect_error("{i\x01" "a[#D\x7f\xf8\x00\x00\x00\x00\x00\x00"s, "bad length");  // NaN
}

// Found by tests/fuzz/xgboost_model_fuzz: when every tree of a group is a
// single leaf (depth 0) the fast evaluator has no split nodes at all and
// indexed past the end of the empty array. Such a model is valid: it
// predicts base score plus the leaves.
TEST(XgboostLoaderErrors, TreesThatAreOneLeafScore) {
    const std::string model =
        R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],"gradient_booster":{"model":{)"
        R"("gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1"},"tree_info":[0],"trees":[{)"
        R"("base_weights":[0.3],"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],)"
        R"("default_left":[0],"id":0,"left_children":[-1],"loss_changes":[0],"parents":[2147483647],)"
        R"("right_children":[-1],"split_conditions":[0.3],"split_indices":[0],"split_type":[0],"sum_hessian":[10],)"
        R"("tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"1","size_leaf_vector":"0"}}]},"name":"gbtree"},)"
        R"("learner_model_param":{"base_score":"5E-1","boost_from_average":"1","num_class":"0","num_feature":"2","num_target":"1"},)"
        R"("objective":{"name":"binary:logistic","reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]})";
    const FlatGbdt flat(parse_xgboost_model(model));
    const float row[2] = {1.0f, 2.0f};
    EXPECT_NEAR(flat.predict(row), 1.0 / (1.0 + std::exp(-0.3)), 1e-6);  // base score 0.5 is margin 0
}

TEST(XgboostLoaderErrors, NotAModelAtAll) { expect_error("hello", "not an XGBoost model"); }

TEST(XgboostLoaderErrors, MissingFileIsNamed) {
    try {
        (void)load_xgboost_model("/nonexistent/model.json");
        FAIL();
    } catch (const ModelLoadError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/model.json: cannot open"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace bidline::models
