// `bidline score` run as a user runs it: the real binary on a CSV with a
// header, empty (missing) cells and, in one test, a row of the wrong width.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bidline/models/mlp_format.h"
#include "bidline/models/mlp_reference.h"
#include "models/mlp_network_factory.h"
#include "support/fixtures.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;

// One tree: feature 0 < 0.5 (missing goes left) → -1, else 2; base_score 0.5.
constexpr const char* kTinyXgboostModel = R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],
"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1","size_leaf_vector":"0"},
"tree_info":[0],"trees":[{"base_weights":[0,-1,2],"categories":[],"categories_nodes":[],"categories_segments":[],
"categories_sizes":[],"default_left":[1,0,0],"id":0,"left_children":[1,-1,-1],"loss_changes":[1,0,0],
"parents":[2147483647,0,0],"right_children":[2,-1,-1],"split_conditions":[0.5,-1.0,2.0],"split_indices":[0,0,0],
"split_type":[0,0,0],"sum_hessian":[3,1,2],"tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3",
"size_leaf_vector":"0"}}]},"name":"gbtree"},"learner_model_param":{"base_score":"5E-1","boost_from_average":"1",
"num_class":"0","num_feature":"2","num_target":"1"},"objective":{"name":"reg:squarederror",
"reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]})";

struct CommandResult {
    int code = -1;
    std::string out;
    std::string err;
};

class ScoreCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bidline_score_cli_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& bytes) {
        const fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }

    CommandResult score(const std::string& args) {
        const fs::path out = dir_ / "stdout";
        const fs::path err = dir_ / "stderr";
        const std::string cmd =
            std::string(BIDLINE_BINARY) + " score " + args + " >" + out.string() + " 2>" + err.string();
        const int status = std::system(cmd.c_str());
        return CommandResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, test::read_file(out), test::read_file(err)};
    }

    fs::path dir_;
};

TEST_F(ScoreCli, XgboostJsonWithHeaderAndMissingCells) {
    const auto model = write("tiny.json", kTinyXgboostModel);
    const auto csv = write("rows.csv", "age,price\n0.2,7\n1,\n,3\n0.5,1\n");
    const CommandResult r = score("--model " + model.string() + " --csv " + csv.string());
    EXPECT_EQ(r.code, 0) << r.err;
    // 0.2 < 0.5 → left; 1 → right; missing → default left; 0.5 is not < 0.5 → right.
    EXPECT_EQ(r.out, "-0.5\n2.5\n-0.5\n2.5\n");
}

TEST_F(ScoreCli, WrongWidthRowNamesItsLine) {
    const auto model = write("tiny.json", kTinyXgboostModel);
    const auto csv = write("rows.csv", "a,b\n1,2\n3,4,5\n");
    const CommandResult r = score("--model " + model.string() + " --csv " + csv.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("rows.csv:3: 3 values, the model takes 2"), std::string::npos) << r.err;
}

TEST_F(ScoreCli, BadModelFileIsNamed) {
    const auto model = write("broken.json", R"({"learner": {"gradient_booster": {"name": "gblinear"}}})");
    const auto csv = write("rows.csv", "1,2\n");
    const CommandResult r = score("--model " + model.string() + " --csv " + csv.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("broken.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("gblinear"), std::string::npos) << r.err;
}

TEST_F(ScoreCli, MlpFileScoresLikeTheReference) {
    const models::MlpNetwork network =
        test::random_mlp({3, 4, 1}, {models::MlpActivation::kRelu, models::MlpActivation::kSigmoid}, 9);
    const auto model = write("net.mlp", models::serialize_mlp(network));
    const auto csv = write("rows.csv", "0.5,-1,2\n1,1,1\n");
    const CommandResult r = score("--model " + model.string() + " --csv " + csv.string());
    ASSERT_EQ(r.code, 0) << r.err;
    const models::ReferenceMlp reference(network);
    std::istringstream lines(r.out);
    for (const auto& row : {std::vector<float>{0.5f, -1, 2}, std::vector<float>{1, 1, 1}}) {
        float got = 0;
        ASSERT_TRUE(lines >> got);
        EXPECT_NEAR(got, reference.predict(row.data()), 1e-6);
    }
}

TEST_F(ScoreCli, HelpDescribesTheCommand) {
    const CommandResult r = score("--help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--model"), std::string::npos);
}

}  // namespace
}  // namespace bidline
