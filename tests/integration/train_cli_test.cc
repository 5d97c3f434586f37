// `bidline train` run as an analyst runs it: a generated day of traffic, a
// click model trained on it, the bundle's files, the validation AUC, and
// `bidline score` reproducing libxgboost's validation predictions on rows
// rebuilt by the same FeatureBuilder (via TrainingRowBuilder).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "bidline/engine/training_rows.h"
#include "bidline/feeds/replay_source.h"
#include "bidline/models/feature_builder.h"
#include "bidline/models/gbdt_flat.h"
#include "bidline/models/model_bundle.h"
#include "bidline/models/prediction_metrics.h"
#include "bidline/models/xgboost_loader.h"
#include "support/cli_run.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;
using test::run_bidline;

class TrainCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("bidline_train_cli_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        const auto gen = run_bidline({"gen", "--hours", "24", "--requests", "20000", "--seed", "5", "--out",
                                      (dir_ / "day.ndjson").string()});
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        train_ = run_bidline({"train", "--log", (dir_ / "day.ndjson").string(), "--target", "click", "--out",
                              (dir_ / "click").string()});
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static double metric(const char* name) {
        simdjson::dom::parser parser;
        simdjson::dom::element root = parser.load((dir_ / "click" / "metrics.json").string());
        return root[name].get_double().value();
    }

    static inline fs::path dir_;
    static inline test::CliRun train_;
};

TEST_F(TrainCli, WritesModelSchemaAndMetrics) {
    ASSERT_EQ(train_.exit_code, 0) << train_.err;
    EXPECT_NE(train_.out.find("validation AUC"), std::string::npos) << train_.out;
    for (const char* f : {"model.json", "schema.json", "metrics.json"}) EXPECT_TRUE(fs::exists(dir_ / "click" / f)) << f;
    const models::FeatureSchema schema = models::read_feature_schema(dir_ / "click" / "schema.json");
    EXPECT_EQ(schema.version, models::kFeatureSchemaVersion);
    EXPECT_EQ(schema.features.size(), models::kFeatureCount);
    const models::ModelBundle bundle = models::load_model_bundle(dir_ / "click");
    EXPECT_EQ(bundle.scorer.num_features(), models::kFeatureCount);
}

TEST_F(TrainCli, ValidationAucShowsTheModelLearnedTheContext) {
    ASSERT_EQ(train_.exit_code, 0) << train_.err;
    const double auc = metric("auc");
    std::printf("validation AUC %.4f, log loss %.5f\n", auc, metric("log_loss"));
    EXPECT_GT(auc, 0.6);
    EXPECT_EQ(metric("validation_rows"), 4000);
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.load((dir_ / "click" / "metrics.json").string());
    EXPECT_EQ(root["calibration"].get_array().size(), 10u);
}

// The bid path's evaluator, fed rows from the shared FeatureBuilder, scores
// what libxgboost scored in training: the same AUC, to the printed digit.
TEST_F(TrainCli, ScoreReproducesTheValidationPredictions) {
    ASSERT_EQ(train_.exit_code, 0) << train_.err;
    struct Row {
        std::int64_t ts;
        std::array<float, models::kFeatureCount> x;
        float click;
    };
    std::vector<Row> rows;
    auto source = open_replay_source({(dir_ / "day.ndjson").string()}, ReplayFormat::ndjson);
    TrainingRowBuilder builder(0);
    ReplayRecord r;
    while (source->next(r)) {
        Row row{r.ts_us, {}, r.click ? 1.0f : 0.0f};
        OpenRtbError error;
        ASSERT_TRUE(builder.add(r, row.x, error)) << error.message;
        rows.push_back(row);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; });
    const std::size_t first_valid = rows.size() - 4000;

    std::ostringstream csv;
    std::vector<float> labels;
    for (std::size_t i = first_valid; i < rows.size(); ++i) {
        for (std::size_t f = 0; f < models::kFeatureCount; ++f) {
            if (f > 0) csv << ',';
            if (!std::isnan(rows[i].x[f])) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(rows[i].x[f]));
                csv << buf;
            }
        }
        csv << '\n';
        labels.push_back(rows[i].click);
    }
    std::ofstream(dir_ / "valid.csv") << csv.str();
    const auto score = run_bidline({"score", "--model", (dir_ / "click" / "model.json").string(), "--csv",
                                    (dir_ / "valid.csv").string()});
    ASSERT_EQ(score.exit_code, 0) << score.err;
    std::vector<float> pred;
    std::istringstream lines(score.out);
    for (float p; lines >> p;) pred.push_back(p);
    ASSERT_EQ(pred.size(), labels.size());

    const models::FlatGbdt flat(models::load_xgboost_model(dir_ / "click" / "model.json"));
    for (std::size_t i = 0; i < pred.size(); ++i)
        ASSERT_FLOAT_EQ(flat.predict(rows[first_valid + i].x.data()), pred[i]) << "row " << i;
    EXPECT_NEAR(models::roc_auc(pred, labels), metric("auc"), 1e-5);
    EXPECT_NEAR(models::log_loss(pred, labels), metric("log_loss"), 1e-5);
}

TEST_F(TrainCli, BadArgumentsAndUnreadableLogsExitTwo) {
    const std::string log = (dir_ / "day.ndjson").string();
    const auto bad_target = run_bidline({"train", "--log", log, "--target", "ctr", "--out", (dir_ / "x").string()});
    EXPECT_EQ(bad_target.exit_code, 2);
    EXPECT_NE(bad_target.err.find("--target must be click, conversion or value"), std::string::npos) << bad_target.err;
    const auto no_log = run_bidline({"train", "--log", (dir_ / "missing.ndjson").string(), "--target", "click", "--out",
                                     (dir_ / "x").string()});
    EXPECT_EQ(no_log.exit_code, 2);
    EXPECT_NE(no_log.err.find("cannot read log"), std::string::npos) << no_log.err;
    EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(TrainCli, ValueTargetRegressesConversionValue) {
    const auto value = run_bidline({"train", "--log", (dir_ / "day.ndjson").string(), "--target", "value", "--out",
                                    (dir_ / "value").string(), "--rounds", "20"});
    ASSERT_EQ(value.exit_code, 0) << value.err;
    EXPECT_NE(value.out.find("validation RMSE"), std::string::npos) << value.out;
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.load((dir_ / "value" / "metrics.json").string());
    EXPECT_TRUE(root["auc"].is_null());
    EXPECT_GT(root["rmse"].get_double().value(), 0.0);
}

}  // namespace
}  // namespace bidline
