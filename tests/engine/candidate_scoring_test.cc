// Which candidates the click model scores on the bid path: those whose bid
// depends on a prediction. A manual CPM line item bids its price whatever
// the model says, so it costs no tree walk even when it shares a batch with
// a line item that needs one.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bidline/engine/model_registry.h"
#include "engine_test_config.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

using test::CampaignSpec;
using test::LineItemSpec;

// One manual CPM line item that outbids one manual CPC line item, and the demo click model.
Config config_with_scored_and_manual_line_items() {
    std::string t =
        "[engine]\nshards = 1\nlisten = \"127.0.0.1:8080\"\n\n"
        "[[advertiser]]\nid = \"adv\"\ntimezone = \"UTC\"\ndomains = [\"adv.example\"]\n\n";
    t += test::campaign_toml(CampaignSpec{});
    t += test::line_item_toml(LineItemSpec{.id = "li-cpm", .cpm = "50.0"});
    t += "[[line_item]]\nid = \"li-cpc\"\ncampaign = \"cmp\"\n"
         "[line_item.bid]\nstrategy = \"manual_cpc\"\ncpc = 0.5\n"
         "[[line_item.creative]]\nid = \"cr-li-cpc-0\"\nformat = \"banner\"\nw = 300\nh = 250\n"
         "markup = '''<ad li-cpc>'''\n\n";
    const std::filesystem::path model = std::filesystem::path(BIDLINE_SOURCE_DIR) / "config/demo/models/click";
    t += "[models]\nclick = \"" + model.string() + "\"\n";
    return load_config_text(t, "<test>");
}

TEST(CandidateScoring, OnlyTheCandidatesWhoseBidNeedsTheModelAreScored) {
    const test::ScratchDir data("bidline-candidate-scoring");
    const Config config = config_with_scored_and_manual_line_items();
    test::TestEngine e(config);
    ModelRegistry registry(data.path() / "models", e.state.models, 0);
    registry.seed(config.models, e.clock.now().time_since_epoch().count());
    e.control.tick();

    const BidAnswer a = e.bid(test::request_json(test::kBannerImp, test::kSite));
    ASSERT_EQ(a.status, 200);
    ASSERT_EQ(e.bids.last_bids().size(), 1u);
    EXPECT_EQ(e.bids.last_bids()[0].line_item, e.index_of("li-cpm"));
    EXPECT_EQ(e.bids.last_bids()[0].pctr, 0.0);            // the winner was never scored
    EXPECT_EQ(read(e.shard.models.slots[0][0].rows), 1u);  // li-cpc's row alone
}

}  // namespace
}  // namespace bidline
