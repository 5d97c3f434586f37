// Creative selection on the control thread: a bandit per line item with
// several creatives, fed impressions and clicks by creative index, tested
// for fatigue when an hour closes, published for the bid path, and shown
// in /v1/stats with its verdict.
#include <gtest/gtest.h>

#include "bidline/config/config.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/creative_selection.h"

namespace bidline {
namespace {

constexpr std::int64_t kHour = 3'600'000'000;
constexpr std::int64_t kT0 = 1'700'000'000LL * 1'000'000 / kHour * kHour;  // on an hour

std::shared_ptr<const Catalog> catalog(int creatives) {
    std::string toml =
        "[[advertiser]]\nid = \"adv\"\n[[campaign]]\nid = \"cmp\"\nadvertiser = \"adv\"\ndaily_budget = 100.0\nstart = 2024-01-01\nend = 2035-12-31\n"
        "[[line_item]]\nid = \"li\"\ncampaign = \"cmp\"\n[line_item.bid]\nstrategy = \"manual_cpm\"\ncpm = 1.0\n";
    for (int i = 0; i < creatives; ++i)
        toml += "[[line_item.creative]]\nid = \"cr-" + std::to_string(i) +
                "\"\nformat = \"banner\"\nw = 300\nh = 250\nmarkup = \"<div>ad</div>\"\n";
    return Catalog::build(load_config_text(toml, "test.toml").campaigns);
}

TEST(CreativeSelection, AFadingCreativeIsFatiguedPublishedAtHalfWeightAndSaysWhy) {
    const auto cat = catalog(2);
    CreativeSelection selection;
    selection.sync(*cat);
    // Eight days at 2% CTR, 1000 impressions an hour each; then creative 0
    // falls to 0.5% for a day while creative 1 holds.
    std::int64_t t = kT0;
    for (int hour = 0; hour < 8 * 24 + 24; ++hour, t += kHour) {
        const bool faded = hour >= 8 * 24;
        for (std::uint8_t c = 0; c < 2; ++c) {
            for (int i = 0; i < 1000; ++i) selection.record_impression(0, c, t);
            const int clicks = c == 0 && faded ? 5 : 20;
            for (int i = 0; i < clicks; ++i) selection.record_click(0, c, t);
        }
        selection.tick(t + kHour - 1);
    }
    selection.tick(t);  // the last faded hour is complete
    const auto choices = selection.published();
    ASSERT_NE(choices, nullptr);
    const models::CreativeBanditSnapshot* bandit = choices->of(0);
    ASSERT_NE(bandit, nullptr);
    EXPECT_EQ(bandit->arm(0).state, models::CreativeState::fatigued);
    EXPECT_EQ(bandit->arm(0).weight, 0.5);
    EXPECT_EQ(bandit->arm(1).state, models::CreativeState::ok);

    JsonWriter j;
    j.begin_object();
    selection.write_json(j, cat->line_items()[0]);
    j.end_object();
    const std::string& json = j.str();
    EXPECT_NE(json.find(R"({"id":"cr-0","state":"fatigued","impressions":216000,"clicks":3960)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("reason":"fatigued: recent CTR 0.5% vs history 2%)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"({"id":"cr-1","state":"ok","impressions":216000,"clicks":4320)"), std::string::npos) << json;
}

TEST(CreativeSelection, OneCreativeNeedsNoBanditAndAReloadThatChangesCreativesStartsOver) {
    CreativeSelection selection;
    selection.sync(*catalog(1));
    selection.tick(kT0);
    ASSERT_NE(selection.published(), nullptr);
    EXPECT_EQ(selection.published()->of(0), nullptr);  // always its only creative

    selection.sync(*catalog(2));
    selection.record_impression(0, 1, kT0);
    selection.record_impression(0, 7, kT0);  // no such creative: ignored
    selection.tick(kT0 + 10'000'000);
    ASSERT_NE(selection.published()->of(0), nullptr);
    EXPECT_EQ(selection.published()->of(0)->size(), 2u);
    selection.sync(*catalog(3));  // other creative ids: the history no longer applies
    selection.tick(kT0 + 20'000'000);
    EXPECT_EQ(selection.published()->of(0)->size(), 3u);
    JsonWriter j;
    j.begin_object();
    selection.write_json(j, catalog(3)->line_items()[0]);
    j.end_object();
    EXPECT_EQ(j.str().find("\"impressions\":1,"), std::string::npos) << j.str();
}

}  // namespace
}  // namespace bidline
