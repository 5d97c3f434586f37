// The campaign status workflow: every allowed and refused transition, and
// the pre-launch checks with the fields they name.
#include <gtest/gtest.h>

#include <algorithm>

#include "bidline/engine/campaign_workflow.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

TEST(CampaignWorkflow, TheTransitionTableIsExactlyTheWorkflow) {
    const std::vector<std::string> expected = {
        "draft>pending_review",    "draft>archived",  "pending_review>draft", "pending_review>approved",
        "pending_review>archived", "approved>active", "approved>archived",    "active>paused",
        "active>completed",        "paused>active",   "paused>completed",     "paused>archived",
        "completed>archived"};
    std::vector<std::string> allowed;
    for (int f = 0; f < 7; ++f)
        for (int t = 0; t < 7; ++t) {
            const auto from = static_cast<CampaignStatus>(f), to = static_cast<CampaignStatus>(t);
            if (transition_allowed(from, to))
                allowed.push_back(std::string(to_string(from)) + ">" + std::string(to_string(to)));
        }
    std::sort(allowed.begin(), allowed.end());
    std::vector<std::string> sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(allowed, sorted);
    EXPECT_FALSE(transition_allowed(CampaignStatus::active, CampaignStatus::archived)) << "pause or complete first";
    EXPECT_TRUE(next_statuses(CampaignStatus::archived).empty());
}

TEST(CampaignWorkflow, StatusNamesRoundTrip) {
    for (int s = 0; s < 7; ++s)
        EXPECT_EQ(parse_campaign_status(to_string(static_cast<CampaignStatus>(s))), static_cast<CampaignStatus>(s));
    EXPECT_FALSE(parse_campaign_status("Active"));
}

TEST(CampaignWorkflow, PrelaunchChecksNameEachMissingPiece) {
    Config ready = test::make_config({{.id = "li", .targeting = "countries = [\"USA\"]"}});
    EXPECT_TRUE(prelaunch_problems(ready.campaigns, "cmp").empty());

    CampaignModel bare = ready.campaigns;
    bare.line_items[0].creatives.clear();
    bare.line_items[0].targeting = {};
    bare.campaigns[0].daily_budget = Micros{};
    const auto p = prelaunch_problems(bare, "cmp");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].field, "line_items.li.creatives");
    EXPECT_EQ(p[1].field, "line_items.li.targeting");
    EXPECT_EQ(p[1].reason, "targeting must not be empty");
    EXPECT_EQ(p[2].field, "daily_budget");
}

}  // namespace
}  // namespace bidline
