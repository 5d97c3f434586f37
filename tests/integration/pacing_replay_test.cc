// The pacing targets of issue 5 on replayed traffic, with the real binary:
// `bidline gen` writes a seeded day whose traffic could absorb several
// times the budget; `bidline replay --strategy max_clicks --pacing even`
// spends between 98 % and 100 % + tolerance of it, its hourly curve (the
// report's timeline) stays within 5 % of the plan at every hour, and it
// buys more clicks per dollar than every constant CPM of a hand grid that
// spends at least 98 % of the budget under the same pacing.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_run.h"
#include "support/fixtures.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

constexpr double kBudget = 50.0;

struct Report {
    double spend = 0, clicks = 0;
    std::vector<double> cumulative, planned;  // per hour
};

Report replay(const ScratchDir& dir, const std::string& name, std::vector<std::string> args) {
    const std::string out = (dir.path() / (name + ".json")).string();
    args.insert(args.begin(), {"replay", "--input", (dir.path() / "day.ndjson").string(), "--budget",
                               std::to_string(kBudget), "--pacing", "even"});
    args.insert(args.end(), {"--out", out});
    const CliRun r = run_bidline(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser parser;
    const std::string text = read_file(out);
    simdjson::dom::element doc = parser.parse(text);
    Report rep;
    rep.spend = doc["totals"]["spend"].get_double().value();
    rep.clicks = static_cast<double>(doc["totals"]["clicks"].get_uint64().value());
    for (simdjson::dom::element b : doc["timeline"].get_array()) {
        rep.cumulative.push_back(b["cumulative_spend"].get_double().value());
        rep.planned.push_back(b["planned_spend"].get_double().value());
    }
    return rep;
}

TEST(PacingReplay, MaxClicksSpendsTheBudgetOnPlanEveryHourAndBeatsEveryConstantBid) {
    ScratchDir dir("pacing-replay");
    const CliRun gen = run_bidline({"gen", "--hours", "24", "--requests", "200000", "--seed", "7", "--with-pctr",
                                    "--out", (dir.path() / "day.ndjson").string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;

    const Report paced = replay(dir, "max_clicks", {"--strategy", "max_clicks"});
    EXPECT_GE(paced.spend, 0.98 * kBudget);
    EXPECT_LE(paced.spend, 1.01 * kBudget) << "budget + the 1 % tolerance";
    ASSERT_EQ(paced.cumulative.size(), 24u) << "one point of the curve per hour";
    for (std::size_t h = 0; h < paced.cumulative.size(); ++h) {
        EXPECT_NEAR(paced.planned[h], kBudget * static_cast<double>(h + 1) / 24, 0.01) << "even plan, hour " << h;
        EXPECT_LE(std::fabs(paced.cumulative[h] - paced.planned[h]), 0.05 * paced.planned[h]) << "hour " << h;
    }

    // The hand-tuned baseline: constant CPMs, same pacing; the best one that spends the budget.
    double best_clicks_per_dollar = 0;
    for (const char* cpm : {"0.8", "0.9", "1.0", "1.25", "1.5", "2.0"}) {
        const Report constant = replay(dir, std::string("cpm-") + cpm, {"--strategy", "manual_cpm", "--bid", cpm});
        if (constant.spend >= 0.98 * kBudget)
            best_clicks_per_dollar = std::max(best_clicks_per_dollar, constant.clicks / constant.spend);
    }
    ASSERT_GT(best_clicks_per_dollar, 0) << "some constant bid spends the budget";
    EXPECT_GT(paced.clicks / paced.spend, 1.1 * best_clicks_per_dollar)
        << "max_clicks with pacing buys at least 10 % more clicks per dollar";
}

}  // namespace
}  // namespace bidline::test
