// Campaign platform ids (platform_ids = { google_ads, meta, tiktok }) and
// [connectors.NAME] limits: values load, defaults apply, and errors name the
// file line, field and reason; a platform id mapped twice is an error.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::line_of;
using config_test::load_error;
using config_test::load_text;

using config_test::campaign;
using config_test::kAdvertiser;

TEST(PlatformIds, LoadPerPlatformAndDefaultToNone) {
    const Config c =
        load_text(std::string(kAdvertiser) +
                  campaign("a",
                           "platform_ids = { google_ads = \"1234567890\", meta = \"23850000000000001\", "
                           "tiktok = \"1700000000000001\" }\n") +
                  campaign("b", "[campaign.platform_ids]\nmeta = \"23850000000000002\"\n") + campaign("c", ""));
    ASSERT_EQ(c.campaigns.campaigns.size(), 3u);
    EXPECT_EQ(c.campaigns.campaigns[0].platform_ids,
              (PlatformCampaignIds{"1234567890", "23850000000000001", "1700000000000001"}));
    EXPECT_EQ(c.campaigns.campaigns[1].platform_ids, (PlatformCampaignIds{"", "23850000000000002", ""}));
    EXPECT_EQ(c.campaigns.campaigns[2].platform_ids, PlatformCampaignIds{});
}

TEST(PlatformIds, MustBeNumericStrings) {
    const std::string text = std::string(kAdvertiser) + campaign("a", "platform_ids = { meta = \"act_123\" }\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "platform_ids"));
    EXPECT_EQ(e.field(), "campaign.platform_ids.meta");
    EXPECT_EQ(e.reason(), "expected the platform's numeric campaign id (1 to 32 digits, as a string), got \"act_123\"");

    const ConfigError number =
        load_error(std::string(kAdvertiser) + campaign("a", "platform_ids = { google_ads = 123 }\n"));
    EXPECT_EQ(number.field(), "campaign.platform_ids.google_ads");
    EXPECT_EQ(number.reason(), "expected a string, got an integer");
}

TEST(PlatformIds, UnknownPlatformIsRejectedWithAHint) {
    const ConfigError e = load_error(std::string(kAdvertiser) + campaign("a", "platform_ids = { google = \"1\" }\n"));
    EXPECT_EQ(e.field(), "campaign.platform_ids.google");
    EXPECT_EQ(e.reason().rfind("unknown key", 0), 0u) << e.reason();
}

TEST(PlatformIds, DuplicateAcrossCampaignsNamesTheFirstMapping) {
    const std::string text = std::string(kAdvertiser) + campaign("a", "platform_ids = { tiktok = \"17\" }\n") +
                             campaign("b", "platform_ids = { google_ads = \"17\" }\n") +  // another platform: fine
                             campaign("c", "[campaign.platform_ids]\ntiktok = \"17\"\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "tiktok = \"17\"\n"));
    EXPECT_EQ(e.field(), "campaign.platform_ids.tiktok");
    EXPECT_EQ(e.reason(), "duplicate tiktok campaign id \"17\" (already mapped to campaign \"a\" on line " +
                              std::to_string(line_of(text, "platform_ids = { tiktok")) + ")");
}

TEST(Connectors, LoadSortedWithDefaultsForMissingKeys) {
    const Config c = load_text(std::string(kAdvertiser) +
                               "[connectors.zeta]\nrequests_per_second = 5\nburst = 10\ndaily_units = 1000\n"
                               "[connectors.alpha]\ndaily_units = 7\n");
    ASSERT_EQ(c.connectors.size(), 2u);
    EXPECT_EQ(c.connectors[0].name, "alpha");
    EXPECT_EQ(c.connectors[0].daily_units, 7);
    EXPECT_EQ(c.connectors[0].requests_per_second, kDefaultConnectorLimits.requests_per_second);
    EXPECT_EQ(c.connectors[0].burst, kDefaultConnectorLimits.burst);
    EXPECT_EQ(c.connectors[1], (ConnectorSettings{"zeta", 5, 10, 1000}));
    EXPECT_TRUE(load_text(std::string(kAdvertiser)).connectors.empty());
}

TEST(Connectors, ErrorsNameLineFieldAndReason) {
    const std::string rate = "[connectors.feed]\nrequests_per_second = 0\n";
    ConfigError e = load_error(rate);
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "connectors.feed.requests_per_second");
    EXPECT_EQ(e.reason(), "must be in (0, 1e9]");

    e = load_error("[connectors.feed]\nburst = 0.5\n");
    EXPECT_EQ(e.field(), "connectors.feed.burst");
    EXPECT_EQ(e.reason(), "must be in [1, 1e9] (requests)");

    e = load_error("[connectors.feed]\ndaily_units = 0\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "connectors.feed.daily_units");

    e = load_error("[connectors.feed]\nrate = 5\n");
    EXPECT_EQ(e.field(), "connectors.feed.rate");
    EXPECT_EQ(e.reason().rfind("unknown key", 0), 0u) << e.reason();

    e = load_error("connectors = 5\n");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "connectors");

    e = load_error("[connectors.\"bad name\"]\nburst = 2\n");
    EXPECT_EQ(e.field(), "connectors.bad name");
}

}  // namespace
}  // namespace bidline
