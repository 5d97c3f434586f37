// The admin API's entities over the file's model (model_overlay.h): the
// same readers check them, references reach into the file, and ids the file
// already uses are refused.
#include <gtest/gtest.h>

#include <sstream>

#include "bidline/config/config.h"
#include "bidline/config/model_overlay.h"

namespace bidline {
namespace {

constexpr std::string_view kFile = R"(
[[advertiser]]
id = "adv"
domains = ["adv.example"]
[[campaign]]
id = "cmp"
advertiser = "adv"
daily_budget = 10
start = 2026-01-01
end = 2026-12-31
[[line_item]]
id = "li"
campaign = "cmp"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr"
format = "banner"
w = 300
h = 250
markup = "<div/>"
)";

toml::value overlay(const std::string& text) {
    std::istringstream in(text);
    return toml::parse(in, "overlay");
}

CampaignModel overlaid(const std::string& text) {
    return overlay_model(load_config_text(kFile, "file").campaigns, overlay(text), "api");
}

ConfigError overlay_error(const std::string& text) {
    try {
        overlaid(text);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << text;
    return ConfigError("", 0, "", "");
}

TEST(ModelOverlay, EntitiesJoinTheFilesAndMayReferToThem) {
    const CampaignModel m = overlaid(R"(
[[campaign]]
id = "api-cmp"
advertiser = "adv"
daily_budget = 5
start = 2026-01-01
end = 2026-02-01
[[line_item]]
id = "api-li"
campaign = "api-cmp"
bid = { strategy = "manual_cpm", cpm = 2.0 }
[[creative]]
id = "api-cr"
line_item = "li"
format = "banner"
w = 728
h = 90
markup = "<b/>"
)");
    ASSERT_EQ(m.campaigns.size(), 2u);
    ASSERT_EQ(m.line_items.size(), 2u);
    EXPECT_TRUE(m.line_items[1].creatives.empty()) << "a line item of the API may wait for its creatives";
    ASSERT_EQ(m.line_items[0].creatives.size(), 2u) << "a creative may join a line item of the file";
    EXPECT_EQ(m.line_items[0].creatives[1].adomain, (std::vector<std::string>{"adv.example"}));
}

TEST(ModelOverlay, IdsOfTheFileAreTaken) {
    EXPECT_EQ(overlay_error("[[advertiser]]\nid = \"adv\"\n").field(), "advertiser.id");
    EXPECT_EQ(
        overlay_error("[[creative]]\nid = \"cr\"\nline_item = \"li\"\nformat = \"native\"\nmarkup = \"m\"\n").field(),
        "creative.id");
}

TEST(ModelOverlay, TheFilesRulesApply) {
    const ConfigError e =
        overlay_error("[[line_item]]\nid = \"x\"\ncampaign = \"cmp\"\nbid = { strategy = \"manual_cpm\", cpmm = 1 }\n");
    EXPECT_EQ(e.field(), "line_item.bid.cpmm");
    EXPECT_EQ(overlay_error("[[creative]]\nid = \"c2\"\nline_item = \"nope\"\nformat = \"banner\"\n").field(),
              "creative.line_item");
}

}  // namespace
}  // namespace bidline
