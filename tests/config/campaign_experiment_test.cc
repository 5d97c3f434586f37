// [campaign.experiment]: a holdout experiment's share and id are read,
// default the id to the campaign's, and bad values point at their line.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::line_of;
using config_test::load_error;
using config_test::load_text;

std::string with_experiment(std::string_view experiment) {
    return "[[advertiser]]\nid = \"adv-a\"\n\n[[campaign]]\nid = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
           "start = 2026-01-01\nend = 2026-12-31\n[campaign.experiment]\n" + std::string(experiment);
}

TEST(CampaignExperiment, ShareAndIdAreRead) {
    const auto c = load_text(with_experiment("holdout_share = 0.1\nid = \"q3-holdout\"\n")).campaigns.campaigns.at(0);
    EXPECT_DOUBLE_EQ(c.experiment.holdout_share, 0.1);
    EXPECT_EQ(c.experiment.id, "q3-holdout");
    EXPECT_TRUE(c.experiment.active());
    EXPECT_EQ(load_text(with_experiment("holdout_share = 0.25\n")).campaigns.campaigns.at(0).experiment.id, "cmp-a");
}

TEST(CampaignExperiment, WithoutTheTableThereIsNone) {
    const std::string text = "[[advertiser]]\nid = \"adv-a\"\n\n[[campaign]]\nid = \"cmp-a\"\nadvertiser = \"adv-a\"\n"
                             "daily_budget = 1\nstart = 2026-01-01\nend = 2026-12-31\n";
    EXPECT_FALSE(load_text(text).campaigns.campaigns.at(0).experiment.active());
}

TEST(CampaignExperiment, ShareMustBeAboveZeroAndAtMostHalf) {
    for (const char* bad : {"0", "0.0", "0.51", "1", "-0.1"}) {
        const std::string text = with_experiment(std::string("holdout_share = ") + bad + "\n");
        const ConfigError e = load_error(text);
        EXPECT_EQ(e.line(), line_of(text, "holdout_share")) << bad;
        EXPECT_EQ(e.field(), "campaign.experiment.holdout_share") << bad;
        EXPECT_EQ(e.reason(), "must be greater than 0 and at most 0.5") << bad;
    }
}

TEST(CampaignExperiment, ShareIsRequiredAndUnknownKeysAreRefused) {
    const std::string missing = with_experiment("id = \"x\"\n");
    const ConfigError e = load_error(missing);
    EXPECT_EQ(e.field(), "campaign.experiment.holdout_share");
    EXPECT_EQ(e.reason(), "missing required key (the share of users held out, e.g. 0.1)");
    EXPECT_EQ(load_error(with_experiment("holdout_share = 0.1\nholdout = 0.2\n")).field(), "campaign.experiment.holdout");
    EXPECT_EQ(load_error(with_experiment("holdout_share = 0.1\nid = \"\"\n")).field(), "campaign.experiment.id");
}

}  // namespace
}  // namespace bidline
