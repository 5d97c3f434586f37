// managed_by = "google_ads" | "meta" | "tiktok": a campaign the ad platform
// runs (we only set its bids and budget). It loads per platform, defaults to
// none, needs that platform's campaign id, and errors name line, field and
// reason.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::line_of;
using config_test::load_error;
using config_test::load_text;

using config_test::campaign;
using config_test::kAdvertiser;

TEST(ManagedCampaign, LoadsPerPlatformAndDefaultsToNone) {
    const Config c = load_text(
        std::string(kAdvertiser) +
        campaign("g", "managed_by = \"google_ads\"\nplatform_ids = { google_ads = \"111\" }\n") +
        campaign("m",
                 "managed_by = \"meta\"\nplatform_ids = { meta = \"23850000000000001\", google_ads = \"112\" }\n") +
        campaign("t", "managed_by = \"tiktok\"\n[campaign.platform_ids]\ntiktok = \"1780000000000001\"\n") +
        campaign("own", "platform_ids = { google_ads = \"113\" }\n"));
    ASSERT_EQ(c.campaigns.campaigns.size(), 4u);
    EXPECT_EQ(c.campaigns.campaigns[0].managed_by, AdPlatform::google_ads);
    EXPECT_EQ(c.campaigns.campaigns[1].managed_by, AdPlatform::meta);
    EXPECT_EQ(c.campaigns.campaigns[2].managed_by, AdPlatform::tiktok);
    EXPECT_EQ(c.campaigns.campaigns[3].managed_by, AdPlatform::none);  // reports only: bidline still bids
    EXPECT_TRUE(c.campaigns.campaigns[0].managed());
    EXPECT_FALSE(c.campaigns.campaigns[3].managed());
    EXPECT_EQ(platform_campaign_id(c.campaigns.campaigns[1].platform_ids, AdPlatform::meta), "23850000000000001");
}

TEST(ManagedCampaign, NeedsThePlatformsCampaignId) {
    const std::string text =
        std::string(kAdvertiser) + campaign("g", "managed_by = \"meta\"\nplatform_ids = { google_ads = \"111\" }\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "managed_by"));
    EXPECT_EQ(e.field(), "campaign.managed_by");
    EXPECT_EQ(e.reason(), "managed_by = \"meta\" needs the campaign's id there: add platform_ids = { meta = \"...\" }");

    const ConfigError none = load_error(std::string(kAdvertiser) + campaign("g", "managed_by = \"tiktok\"\n"));
    EXPECT_EQ(none.field(), "campaign.managed_by");
}

TEST(ManagedCampaign, UnknownPlatformIsRejected) {
    const std::string text =
        std::string(kAdvertiser) + campaign("g", "managed_by = \"google\"\nplatform_ids = { google_ads = \"111\" }\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "managed_by"));
    EXPECT_EQ(e.field(), "campaign.managed_by");
    EXPECT_EQ(e.reason(),
              "unknown platform \"google\" (expected google_ads, meta or tiktok; leave the key out when bidline bids "
              "itself)");
    // "none" is not a value: leaving the key out is.
    EXPECT_EQ(load_error(std::string(kAdvertiser) + campaign("g", "managed_by = \"none\"\n")).field(),
              "campaign.managed_by");
}

TEST(ManagedCampaign, MustBeAString) {
    const ConfigError e = load_error(std::string(kAdvertiser) + campaign("g", "managed_by = true\n"));
    EXPECT_EQ(e.field(), "campaign.managed_by");
    EXPECT_EQ(e.reason(), "expected a string, got a boolean");
}

}  // namespace
}  // namespace bidline
