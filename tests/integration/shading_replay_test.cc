// First-price shading end to end with the real binary: `bidline gen
// --auction first` writes a day of first-price traffic, `bidline replay`
// runs one max_clicks line item on it twice, with `shading = true` and
// `shading = false`. Shading buys more clicks per dollar and both runs
// stay within the budget.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/cli_run.h"
#include "support/fixtures.h"

namespace bidline::test {
namespace {

constexpr double kBudget = 30.0;

std::string config_text(bool shading) {
    std::string t =
        "[[advertiser]]\nid = \"adv\"\n"
        "[[campaign]]\nid = \"cmp\"\nadvertiser = \"adv\"\ndaily_budget = " +
        std::to_string(kBudget) +
        "\nstart = 2024-01-01\nend = 2035-12-31\npacing = \"even\"\n"
        "[[line_item]]\nid = \"li\"\ncampaign = \"cmp\"\n"
        "[line_item.bid]\nstrategy = \"max_clicks\"\ncpc = 1.0\nshading = " +
        std::string(shading ? "true" : "false") + "\n";
    // One creative per size of the generated traffic.
    for (const char* size : {"300x250", "728x90", "320x50", "160x600", "300x600"}) {
        const std::string s(size);
        const auto x = s.find('x');
        t += "[[line_item.creative]]\nid = \"cr-" + s + "\"\nformat = \"banner\"\nw = " + s.substr(0, x) +
             "\nh = " + s.substr(x + 1) + "\nmarkup = \"<div>ad</div>\"\n";
    }
    return t;
}

struct Totals {
    double spend = 0;
    std::uint64_t clicks = 0, wins = 0;
};

Totals replay(const std::filesystem::path& dir, const std::string& market, bool shading) {
    const auto cfg = dir / (shading ? "on.toml" : "off.toml");
    const auto out = dir / (shading ? "on.json" : "off.json");
    std::ofstream(cfg) << config_text(shading);
    const CliRun r = run_bidline({"replay", "--input", market, "--config", cfg.string(), "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser parser;
    const std::string text = read_file(out.string());
    simdjson::dom::element report = parser.parse(text);
    Totals t;
    t.spend = report["totals"]["spend"].get_double().value();
    t.clicks = report["totals"]["clicks"].get_uint64().value();
    t.wins = report["totals"]["wins"].get_uint64().value();
    return t;
}

TEST(ShadingReplay, ShadingBuysMoreClicksPerDollarInFirstPriceAuctions) {
    const auto dir = std::filesystem::path(testing::TempDir()) / ("bidline-shading-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string market = (dir / "market.ndjson").string();
    const CliRun gen = run_bidline({"gen", "--hours", "24", "--requests", "200000", "--seed", "5", "--with-pctr",
                                    "--auction", "first", "--out", market});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    ASSERT_NE(read_file(market).find("\"at\":1,"), std::string::npos);

    const Totals on = replay(dir, market, true), off = replay(dir, market, false);
    ASSERT_GT(on.clicks, 0u);
    ASSERT_GT(off.clicks, 0u);
    const double on_cpd = static_cast<double>(on.clicks) / on.spend,
                 off_cpd = static_cast<double>(off.clicks) / off.spend;
    EXPECT_GT(on_cpd, off_cpd * 1.05) << "clicks/$ with shading " << on_cpd << ", without " << off_cpd;
    // Within the budget (plus the 1 % lease tolerance), and actually spending it.
    for (const Totals& t : {on, off}) {
        EXPECT_LE(t.spend, kBudget * 1.01);
        EXPECT_GE(t.spend, kBudget * 0.9);
    }
    std::filesystem::remove_all(dir);
}

TEST(ShadingReplay, GenRejectsAnUnknownAuctionType) {
    const CliRun r = run_bidline({"gen", "--requests", "10", "--auction", "third", "--out", "-"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--auction"), std::string::npos);
}

}  // namespace
}  // namespace bidline::test
