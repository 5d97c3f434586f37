// [[line_item]] with its bid, targeting and creatives: strategy parameters,
// targeting values, creatives that fit the targeted media, unique ids.
#include <gtest/gtest.h>

#include <algorithm>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::kAdvertiserAndCampaign;
using config_test::line_of;
using config_test::load_error;
using config_test::load_text;
using config_test::with_line_item;

constexpr std::string_view kCpm = "strategy = \"manual_cpm\"\ncpm = 2.0";

TEST(LineItemValidation, TheBaseLineItemLoads) {
    const Config c = load_text(with_line_item(kCpm));
    ASSERT_EQ(c.campaigns.line_items.size(), 1u);
    EXPECT_EQ(c.campaigns.line_items[0].bid.cpm, Micros::cpm(2.0));
    EXPECT_EQ(c.campaigns.line_items[0].creatives[0].adomain, (std::vector<std::string>{"a.com"}));
}

TEST(LineItemValidation, CampaignMustExist) {
    std::string text = with_line_item(kCpm);
    text.replace(text.find("campaign = \"cmp-a\"\n[line_item.bid]"), 18, "campaign = \"cmp-b\"");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "campaign = \"cmp-b\""));
    EXPECT_EQ(e.field(), "line_item.campaign");
    EXPECT_EQ(e.reason(), "unknown campaign \"cmp-b\"");
}

TEST(LineItemValidation, TypoInBidTableNamesTheKey) {
    const std::string text = with_line_item("strategy = \"manual_cpm\"\ncpmm = 2.5");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "cpmm"));
    EXPECT_EQ(e.field(), "line_item.bid.cpmm");
    EXPECT_EQ(e.reason(), "unknown key (did you mean \"cpm\"?)");
}

TEST(LineItemValidation, TypoInTargetingNamesTheKey) {
    const std::string text = with_line_item(kCpm, "countrys = [\"USA\"]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "countrys"));
    EXPECT_EQ(e.field(), "line_item.targeting.countrys");
    EXPECT_EQ(e.reason(), "unknown key (did you mean \"countries\"?)");
}

TEST(LineItemValidation, StrategyMustBeKnown) {
    const std::string text = with_line_item("strategy = \"cpm\"\ncpm = 1.0");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "strategy"));
    EXPECT_EQ(e.field(), "line_item.bid.strategy");
    EXPECT_EQ(e.reason(),
              "unknown strategy \"cpm\" (expected manual_cpm, manual_cpc, max_clicks, target_cpa, target_roas or "
              "max_conversions)");
    const std::string missing = with_line_item("cpm = 1.0");
    const ConfigError m = load_error(missing);
    EXPECT_EQ(m.line(), line_of(missing, "[line_item.bid]"));
    EXPECT_EQ(m.field(), "line_item.bid.strategy");
    EXPECT_EQ(m.reason(), "missing required key");
}

struct StrategyCase {
    std::string_view strategy;
    std::string_view key;
};

// Each manual or target strategy needs its own number: pointing at the
// bid table when it is missing, at the value when it is 0.
TEST(LineItemValidation, StrategyNeedsItsParameter) {
    for (const StrategyCase c :
         {StrategyCase{"manual_cpm", "cpm"}, StrategyCase{"manual_cpc", "cpc"},
          StrategyCase{"target_cpa", "target_cpa"}, StrategyCase{"target_roas", "target_roas"}}) {
        const std::string reason = std::string(c.strategy) + " needs " + std::string(c.key) + " > 0";
        const std::string missing = with_line_item("strategy = \"" + std::string(c.strategy) + "\"\nmax_cpm = 5");
        ConfigError e = load_error(missing);
        EXPECT_EQ(e.line(), line_of(missing, "[line_item.bid]")) << c.strategy;
        EXPECT_EQ(e.field(), "line_item.bid." + std::string(c.key));
        EXPECT_EQ(e.reason(), reason);

        const std::string zero =
            with_line_item("strategy = \"" + std::string(c.strategy) + "\"\n" + std::string(c.key) + " = 0.0");
        e = load_error(zero);
        EXPECT_EQ(e.line(), line_of(zero, std::string(c.key) + " = 0.0")) << c.strategy;
        EXPECT_EQ(e.field(), "line_item.bid." + std::string(c.key));
        EXPECT_EQ(e.reason(), reason);

        const std::string ok =
            with_line_item("strategy = \"" + std::string(c.strategy) + "\"\n" + std::string(c.key) + " = 1.5");
        EXPECT_NO_THROW(load_text(ok)) << c.strategy;
    }
}

TEST(LineItemValidation, MicrosFormOfAStrategyParameterCounts) {
    const std::string text = with_line_item("strategy = \"manual_cpm\"\ncpm_micros = 0");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "cpm_micros"));
    EXPECT_EQ(e.field(), "line_item.bid.cpm_micros");
    EXPECT_EQ(
        load_text(with_line_item("strategy = \"manual_cpm\"\ncpm_micros = 2500000")).campaigns.line_items[0].bid.cpm,
        Micros(2'500'000));
}

// kAdvertiserAndCampaign with a zero campaign budget and a max_clicks line item.
std::string budgetless(std::string_view line_item_budget) {
    std::string text = with_line_item("strategy = \"max_clicks\"");
    text.replace(text.find("daily_budget = 100.0"), 20, "daily_budget = 0");
    text.insert(text.find("[line_item.bid]"), std::string(line_item_budget));
    return text;
}

TEST(LineItemValidation, BudgetOptimisingStrategiesNeedABudget) {
    const std::string text = budgetless("");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "strategy = \"max_clicks\""));
    EXPECT_EQ(e.field(), "line_item.bid.strategy");
    EXPECT_EQ(e.reason(), "max_clicks needs a daily or lifetime budget on the line item or its campaign");

    EXPECT_NO_THROW(load_text(budgetless("daily_budget = 10\n")));
    EXPECT_NO_THROW(load_text(budgetless("lifetime_budget = 10\n")));
    EXPECT_NO_THROW(load_text(with_line_item("strategy = \"max_conversions\"")));  // the campaign has 100/day

    std::string conversions = budgetless("");
    conversions.replace(conversions.find("max_clicks"), 10, "max_conversions");
    EXPECT_EQ(load_error(conversions).reason(),
              "max_conversions needs a daily or lifetime budget on the line item or its campaign");
}

TEST(LineItemValidation, MaxCpmMustNotBeBelowCpm) {
    const std::string text = with_line_item("strategy = \"manual_cpm\"\ncpm = 2.5\nmax_cpm = 2.0");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "max_cpm"));
    EXPECT_EQ(e.field(), "line_item.bid.max_cpm");
    EXPECT_EQ(e.reason(), "max_cpm 2 is below cpm 2.5");
    EXPECT_NO_THROW(load_text(with_line_item("strategy = \"manual_cpm\"\ncpm = 2.5\nmax_cpm = 2.5")));
}

TEST(LineItemValidation, TargetRoasIsNotNegative) {
    const std::string text = with_line_item("strategy = \"target_roas\"\ntarget_roas = -2");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "target_roas = -2"));
    EXPECT_EQ(e.field(), "line_item.bid.target_roas");
    EXPECT_EQ(e.reason(), "must not be negative");
}

TEST(LineItemValidation, SizesAreWxH) {
    for (const char* bad : {"300by250", "300x", "x250", "0x250", "300x250x1", "-300x250", "300 x 250", "70000x1"}) {
        const std::string text = with_line_item(kCpm, "sizes = [\"728x90\",\n  \"" + std::string(bad) + "\"]");
        const ConfigError e = load_error(text);
        EXPECT_EQ(e.line(), line_of(text, bad)) << bad;
        EXPECT_EQ(e.field(), "line_item.targeting.sizes");
        EXPECT_EQ(e.reason(), "expected a size as WxH (e.g. \"300x250\"), got \"" + std::string(bad) + "\"");
    }
}

TEST(LineItemValidation, DeviceTypesAreOneToEight) {
    const std::string text = with_line_item(kCpm, "device_types = [1, 9]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "device_types"));
    EXPECT_EQ(e.field(), "line_item.targeting.device_types");
    EXPECT_EQ(e.reason(), "must be between 1 and 8, got 9");
    EXPECT_EQ(load_error(with_line_item(kCpm, "device_types = [0]")).reason(), "must be between 1 and 8, got 0");
    EXPECT_EQ(load_error(with_line_item(kCpm, "device_types = [\"phone\"]")).reason(),
              "expected an integer, got a string");
}

TEST(LineItemValidation, MediaNamesAreKnown) {
    const std::string text = with_line_item(kCpm, "media = [\"banner\", \"display\"]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "media"));
    EXPECT_EQ(e.field(), "line_item.targeting.media");
    EXPECT_EQ(e.reason(), "unknown media \"display\" (expected banner, video, native or audio)");
}

TEST(LineItemValidation, CountriesAreThreeUpperCaseLetters) {
    for (const char* bad : {"US", "usa", "USAA", "U1A"}) {
        const std::string text = with_line_item(kCpm, "countries = [\"" + std::string(bad) + "\"]");
        const ConfigError e = load_error(text);
        EXPECT_EQ(e.line(), line_of(text, "countries")) << bad;
        EXPECT_EQ(e.field(), "line_item.targeting.countries");
        EXPECT_EQ(e.reason(), "expected an ISO 3166-1 alpha-3 code such as \"USA\", got \"" + std::string(bad) + "\"");
    }
}

TEST(LineItemValidation, RegionsAreSubdivisionCodes) {
    const std::string text = with_line_item(kCpm, "regions = [\"CA\", \"US-NY\", \"california\"]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.field(), "line_item.targeting.regions");
    EXPECT_EQ(e.reason(), "expected an ISO 3166-2 subdivision such as \"CA\" or \"US-CA\", got \"california\"");
}

TEST(LineItemValidation, ListsMustHoldStrings) {
    const std::string text = with_line_item(kCpm, "deals = [\"d-1\", 2]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.field(), "line_item.targeting.deals");
    EXPECT_EQ(e.reason(), "expected a string, got an integer");
    EXPECT_EQ(load_error(with_line_item(kCpm, "deals = \"d-1\"")).reason(), "expected an array, got a string");
}

TEST(LineItemValidation, BidTableIsRequired) {
    std::string text = std::string(kAdvertiserAndCampaign) +
                       "\n[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n"
                       "[[line_item.creative]]\nid = \"cr-a\"\nformat = \"native\"\nmarkup = '{\"assets\":[],\"link\":{}}'\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "[[line_item]]"));
    EXPECT_EQ(e.field(), "line_item.bid");
    EXPECT_EQ(e.reason(), "missing required table [line_item.bid]");
}

TEST(LineItemValidation, AtLeastOneCreative) {
    const std::string text = std::string(kAdvertiserAndCampaign) +
                             "\n[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n[line_item.bid]\n" +
                             std::string(kCpm);
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "[[line_item]]"));
    EXPECT_EQ(e.field(), "line_item.creative");
    EXPECT_EQ(e.reason(), "a line item needs at least one [[line_item.creative]]");
}

TEST(LineItemValidation, SomeCreativeMustServeTheTargetedMedia) {
    const std::string text = with_line_item(kCpm, "media = [\"video\", \"audio\"]");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "[[line_item]]"));
    EXPECT_EQ(e.field(), "line_item.creative");
    EXPECT_EQ(e.reason(), "no creative has a format among the targeted media (video, audio)");
    EXPECT_NO_THROW(load_text(with_line_item(kCpm, "media = [\"video\", \"banner\"]")));
}

TEST(LineItemValidation, BannerCreativesNeedWidthAndHeight) {
    std::string text = with_line_item(kCpm);
    text.replace(text.find("w = 300\n"), 8, "");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "[[line_item.creative]]"));
    EXPECT_EQ(e.field(), "line_item.creative.w");
    EXPECT_EQ(e.reason(), "missing required key (banner creatives need w and h)");

    text = with_line_item(kCpm);
    text.replace(text.find("h = 250"), 7, "h = 0");
    const ConfigError zero = load_error(text);
    EXPECT_EQ(zero.line(), line_of(text, "h = 0"));
    EXPECT_EQ(zero.field(), "line_item.creative.h");
    EXPECT_EQ(zero.reason(), "must be between 1 and 65535, got 0");
}

TEST(LineItemValidation, CreativeFormatAndMarkupAreRequired) {
    std::string text = with_line_item(kCpm);
    text.replace(text.find("format = \"banner\""), 17, "format = \"display\"");
    ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "format ="));
    EXPECT_EQ(e.field(), "line_item.creative.format");
    EXPECT_EQ(e.reason(), "unknown format \"display\" (expected banner, video, native or audio)");

    text = with_line_item(kCpm);
    text.replace(text.find("markup = \"<img>\""), 16, "markup = \"\"");
    e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "markup"));
    EXPECT_EQ(e.field(), "line_item.creative.markup");
    EXPECT_EQ(e.reason(), "must not be empty");
}

TEST(LineItemValidation, DuplicateLineItemId) {
    // The same line item twice, with a fresh creative id so that only the line item id clashes.
    std::string text = with_line_item(kCpm);
    std::string again = text.substr(text.find("\n[[line_item]]"));
    again.replace(again.find("cr-a"), 4, "cr-b");
    const int first_line = line_of(text, "id = \"li-a\"");
    const int lines_before = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    text += again;
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), lines_before + line_of(again, "id = \"li-a\""));
    EXPECT_EQ(e.field(), "line_item.id");
    EXPECT_EQ(e.reason(), "duplicate id \"li-a\" (first defined on line " + std::to_string(first_line) + ")");
}

TEST(LineItemValidation, CreativeIdsAreUniqueAcrossLineItems) {
    std::string text = with_line_item(kCpm);
    std::string again = text.substr(text.find("\n[[line_item]]"));
    again.replace(again.find("li-a"), 4, "li-b");
    const int first_line = line_of(text, "id = \"cr-a\"");
    const int lines_before = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    text += again;
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.field(), "line_item.creative.id");
    EXPECT_EQ(e.reason(), "duplicate id \"cr-a\" (first defined on line " + std::to_string(first_line) + ")");
    EXPECT_EQ(e.line(), lines_before + line_of(again, "id = \"cr-a\""));
}

}  // namespace
}  // namespace bidline
