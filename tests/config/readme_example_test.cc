// The complete example in config/README.md loads, so the documentation
// cannot drift from what the loader accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config_test_files.h"

namespace bidline {
namespace {

std::string first_toml_block(const std::string& markdown) {
    const std::string open = "```toml\n";
    const auto begin = markdown.find(open);
    if (begin == std::string::npos) return "";
    const auto end = markdown.find("```\n", begin + open.size());
    return markdown.substr(begin + open.size(), end - begin - open.size());
}

TEST(ReadmeExample, LoadsAndMeansWhatItSays) {
    std::ifstream readme(BIDLINE_SOURCE_DIR "/config/README.md");
    ASSERT_TRUE(readme) << "config/README.md not found";
    std::stringstream markdown;
    markdown << readme.rdbuf();
    const std::string example = first_toml_block(markdown.str());
    ASSERT_FALSE(example.empty());

    const Config c = config_test::load_text(example);
    EXPECT_EQ(c.engine.shards, 2u);
    ASSERT_EQ(c.campaigns.campaigns.size(), 1u);
    EXPECT_EQ(c.campaigns.campaigns[0].daily_budget, Micros::from_units(500));
    EXPECT_EQ(c.campaigns.campaigns[0].timezone, "America/New_York");
    ASSERT_EQ(c.campaigns.line_items.size(), 1u);
    const LineItem& li = c.campaigns.line_items[0];
    EXPECT_EQ(li.bid.cpm, Micros::cpm(2.5));
    EXPECT_EQ(li.bid.max_cpm, Micros::cpm(10));
    EXPECT_EQ(li.creatives.size(), 2u);
    EXPECT_EQ(li.targeting.device_types, (std::vector<DeviceType>{2, 4, 5}));
    EXPECT_EQ(c.alerts.stall_minutes, 30);
    EXPECT_EQ(c.alerts.webhook, "http://127.0.0.1:9099/hooks/bidline");
}

TEST(ReadmeExample, InlineTablesWorkLikeSections) {
    const std::string text = std::string(config_test::kAdvertiserAndCampaign) +
                             "[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n"
                             "bid = { strategy = \"manual_cpm\", cpm = 2.5 }\n"
                             "creative = [{ id = \"cr-a\", format = \"native\", markup = '{\"assets\":[],\"link\":{}}' }]\n";
    const Config c = config_test::load_text(text);
    EXPECT_EQ(c.campaigns.line_items[0].bid.cpm, Micros::cpm(2.5));
    EXPECT_EQ(c.campaigns.line_items[0].creatives[0].format, MediaType::native);
}

}  // namespace
}  // namespace bidline
