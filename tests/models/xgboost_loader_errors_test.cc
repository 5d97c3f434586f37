// A malformed or unsupported XGBoost model is refused at load time with a
// message saying what is wrong, in either encoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

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
