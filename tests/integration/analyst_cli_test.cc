// The analyst commands run as the real binary on files the test writes, and
// their JSON reports carry the expected numbers; user mistakes exit 2.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/fixtures.h"

namespace bidline::test {
namespace {

class AnalystCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("bidline-analyst-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }
    // Runs `bidline ARGS` with output in files; returns the exit code.
    int run(const std::string& args) const {
        const std::string cmd = std::string(BIDLINE_BINARY) + " " + args + " > " + path("stdout") + " 2> " + path("stderr");
        const int status = std::system(cmd.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    simdjson::dom::element json(const std::string& name) {
        text_ = read_file(path(name));
        return parser_.parse(text_);
    }

    std::filesystem::path dir_;
    simdjson::dom::parser parser_;
    std::string text_;
};

TEST_F(AnalystCli, MmmGenThenFit) {
    ASSERT_EQ(run("mmm gen --weeks 104 --channels 3 --seed 2 --noise 0.01 --out " + path("d.csv") + " --truth " + path("t.json")), 0);
    ASSERT_EQ(run("mmm fit --data " + path("d.csv") + " --date date --target revenue --channels ch1,ch2,ch3 --controls price "
                  "--bootstrap 20 --out " + path("r.json")),
              0)
        << read_file(path("stderr"));
    auto report = json("r.json");
    auto channels = report["channels"].get_array().value();
    ASSERT_EQ(channels.size(), 3u);
    double share = 0;
    for (auto c : channels) share += c["share"].get_double().value();
    EXPECT_NEAR(share, 1.0, 1e-4);
    EXPECT_GT(report["fit"]["r2"].get_double().value(), 0.9);
    EXPECT_TRUE(report["fit"]["r2_test"].is_double());
    EXPECT_NE(read_file(path("stdout")).find("R²"), std::string::npos);
    // The fit's curves feed the optimizer.
    ASSERT_EQ(run("optimize --mmm " + path("r.json") + " --budget 6000 --out " + path("o.json")), 0) << read_file(path("stderr"));
    auto plan = json("o.json");
    EXPECT_NEAR(plan["spend"].get_double().value(), 6000, 1e-2);
    EXPECT_EQ(run("mmm fit --data " + path("d.csv") + " --date date --target revenue --channels nope"), 2);
    EXPECT_NE(read_file(path("stderr")).find("no column 'nope'"), std::string::npos);
}

TEST_F(AnalystCli, OptimizeCurves) {
    write("c.json", R"([{"name":"tv","curve":"hill","beta":4000,"kappa":900,"slope":3,"lower":0,"upper":5000,"current":500},
                        {"name":"ooh","curve":"hill","beta":4000,"kappa":900,"slope":3,"current":500}])");
    ASSERT_EQ(run("optimize --curves " + path("c.json") + " --budget 1000 --scenarios 2 --out " + path("o.json")), 0)
        << read_file(path("stderr"));
    auto plan = json("o.json");
    auto alloc = plan["allocation"].get_array().value();
    // S-curves: all the budget on one channel, not split at equal marginal ROI.
    const double a = alloc.at(0)["spend"].get_double().value(), b = alloc.at(1)["spend"].get_double().value();
    EXPECT_NEAR(std::max(a, b), 1000, 1e-3);
    EXPECT_EQ(plan["scenarios"].get_array().value().size(), 1u);
    EXPECT_EQ(run("optimize --curves " + path("c.json") + " --budget 1000 --max-change 0.1 --target-roas 5"), 2);  // unreachable
    EXPECT_EQ(run("optimize --curves " + path("missing.json") + " --budget 1"), 2);
}

TEST_F(AnalystCli, AttributeChannelAttributionCsv) {
    write("p.csv", "path;total_conversions;total_conversion_value;total_null\nA > B;1;10;0\nA;0;0;1\nB;1;20;1\n");
    ASSERT_EQ(run("attribute --paths " + path("p.csv") + " --model all --out " + path("a.json")), 0) << read_file(path("stderr"));
    auto models = json("a.json")["models"].get_array().value();
    bool seen_markov = false;
    for (auto m : models) {
        if (std::string_view(m["model"].get_string().value()) != "markov_1_nulls") continue;
        seen_markov = true;
        // Hand-computed: removal effects ⅓ (A) and 1 (B) → 0.5 and 1.5 conversions.
        EXPECT_NEAR(m["channels"].at(0)["conversions"].get_double().value(), 0.5, 1e-5);
        EXPECT_NEAR(m["channels"].at(1)["conversions"].get_double().value(), 1.5, 1e-5);
    }
    EXPECT_TRUE(seen_markov);
    EXPECT_EQ(run("attribute --paths " + path("p.csv") + " --model magic"), 2);
}

TEST_F(AnalystCli, ExperimentAnalyzeAndSize) {
    ASSERT_EQ(run("experiment analyze --a 200/1000 --b 250/1000 --out " + path("e.json")), 0) << read_file(path("stderr"));
    auto r = json("e.json");
    EXPECT_NEAR(r["p_value"].get_double().value(), 0.0074198, 1e-5);
    EXPECT_GT(r["prob_b_beats_a"].get_double().value(), 0.99);
    ASSERT_EQ(run("experiment size --base 0.1 --mde 0.1 --power 0.8 --alpha 0.05 --out " + path("s.json")), 0);
    EXPECT_EQ(json("s.json")["per_arm"].get_int64().value(), 14751);
    EXPECT_EQ(run("experiment analyze --a 5/2 --b 1/10"), 2);
    EXPECT_EQ(run("experiment lift --exposed 600/10000 --holdout 50/1000 --spend 2000 --value-per-conversion 40"), 0);
}

TEST_F(AnalystCli, EveryCommandAnswersHelp) {
    for (const char* cmd : {"mmm --help", "mmm fit --help", "optimize --help", "attribute --help", "experiment --help"})
        EXPECT_EQ(run(cmd), 0) << cmd;
}

}  // namespace
}  // namespace bidline::test
