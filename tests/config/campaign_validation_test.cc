// [[advertiser]] and [[campaign]]: ids, references, currencies, zones,
// budgets and flight dates are checked, and errors point at the value.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::kAdvertiserAndCampaign;
using config_test::line_of;
using config_test::load_error;
using config_test::load_text;

constexpr std::string_view kAdvertiser = "[[advertiser]]\nid = \"adv-a\"\n";

// kAdvertiser plus a campaign made of `body`.
std::string campaign(std::string_view body) {
    return std::string(kAdvertiser) + "\n[[campaign]]\n" + std::string(body);
}

TEST(AdvertiserValidation, IdIsRequiredAtTheTableLine) {
    const std::string text = "[[advertiser]]\nid = \"adv-a\"\n\n[[advertiser]]\nname = \"No id\"\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.field(), "advertiser.id");
    EXPECT_EQ(e.reason(), "missing required key");
}

TEST(AdvertiserValidation, IdMustBeUrlSafe) {
    const ConfigError e = load_error("[[advertiser]]\nid = \"adv acme\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "advertiser.id");
    EXPECT_EQ(e.reason(), "\"adv acme\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ ~ -)");
    EXPECT_EQ(load_error("[[advertiser]]\nid = \"\"\n").field(), "advertiser.id");
}

TEST(AdvertiserValidation, DuplicateIdNamesTheFirstDefinition) {
    const std::string text =
        "[[advertiser]]\nid = \"adv-a\"\n[[advertiser]]\nid = \"adv-b\"\n[[advertiser]]\nid = \"adv-a\"\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), 6);
    EXPECT_EQ(e.field(), "advertiser.id");
    EXPECT_EQ(e.reason(), "duplicate id \"adv-a\" (first defined on line 2)");
}

TEST(AdvertiserValidation, TimezoneMustBeAnIanaZone) {
    const ConfigError e = load_error("[[advertiser]]\nid = \"adv-a\"\ntimezone = \"Mars/Olympus_Mons\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "advertiser.timezone");
    EXPECT_EQ(e.reason(), "unknown time zone \"Mars/Olympus_Mons\" (expected an IANA name such as America/New_York)");
    // Files in the zoneinfo directory that are not zones, and paths out of it.
    for (const char* bad : {"zone.tab", "America", "../../etc/passwd", "/etc/localtime", "EST5EDT "}) {
        const std::string text = "[[advertiser]]\nid = \"adv-a\"\ntimezone = \"" + std::string(bad) + "\"\n";
        EXPECT_EQ(load_error(text).field(), "advertiser.timezone") << bad;
    }
    EXPECT_EQ(load_text("[[advertiser]]\nid = \"a\"\ntimezone = \"Asia/Tokyo\"\n").campaigns.advertisers[0].timezone,
              "Asia/Tokyo");
}

TEST(AdvertiserValidation, CurrencyIsAnIsoCode) {
    const ConfigError e = load_error("[[advertiser]]\nid = \"adv-a\"\ncurrency = \"usd\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "advertiser.currency");
    EXPECT_EQ(e.reason(), "expected an ISO 4217 code such as \"USD\", got \"usd\"");
}

TEST(AdvertiserValidation, DomainsAreDomainNames) {
    const ConfigError e =
        load_error("[[advertiser]]\nid = \"adv-a\"\ndomains = [\"acme.com\",\n  \"https://acme.com/\"]\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.field(), "advertiser.domains");
    EXPECT_EQ(e.reason(), "\"https://acme.com/\" is not a domain name");
}

TEST(CampaignValidation, AdvertiserMustExist) {
    const std::string text = campaign(
        "id = \"cmp-a\"\nadvertiser = \"adv-nope\"\ndaily_budget = 1\n"
        "start = 2026-01-01\nend = 2026-01-02\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "adv-nope"));
    EXPECT_EQ(e.field(), "campaign.advertiser");
    EXPECT_EQ(e.reason(), "unknown advertiser \"adv-nope\"");
}

TEST(CampaignValidation, AdvertiserMayBeDefinedLaterInTheFile) {
    const std::string text =
        "[[campaign]]\nid = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
        "start = 2026-01-01\nend = 2026-01-02\n\n" +
        std::string(kAdvertiser);
    EXPECT_EQ(load_text(text).campaigns.campaigns.size(), 1u);
}

TEST(CampaignValidation, DuplicateId) {
    // kAdvertiserAndCampaign is 11 lines with the campaign id on line 7.
    const std::string text = std::string(kAdvertiserAndCampaign) + "\n[[campaign]]\nid = \"cmp-a\"\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), 14);
    EXPECT_EQ(e.field(), "campaign.id");
    EXPECT_EQ(e.reason(), "duplicate id \"cmp-a\" (first defined on line 7)");
}

TEST(CampaignValidation, EndMustNotBeBeforeStart) {
    const std::string text = campaign(
        "id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
        "start = 2026-06-01\nend = 2026-05-31\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "end ="));
    EXPECT_EQ(e.field(), "campaign.end");
    EXPECT_EQ(e.reason(), "end 2026-05-31 is before start 2026-06-01");
}

TEST(CampaignValidation, DatesAreDatesOrIsoStrings) {
    const std::string body = "id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\nstart = ";
    const std::string bad_string = campaign(body + "\"2026-02-30\"\nend = 2026-12-31\n");
    ConfigError e = load_error(bad_string);
    EXPECT_EQ(e.line(), line_of(bad_string, "start ="));
    EXPECT_EQ(e.field(), "campaign.start");
    EXPECT_EQ(e.reason(), "expected a date as YYYY-MM-DD, got \"2026-02-30\"");

    e = load_error(campaign(body + "2026-01-01T00:00:00Z\nend = 2026-12-31\n"));
    EXPECT_EQ(e.reason(), "expected a date (YYYY-MM-DD), got a date-time with offset");

    e = load_error(campaign("id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\nstart = 2026-01-01\n"));
    EXPECT_EQ(e.line(), line_of(campaign(""), "[[campaign]]"));
    EXPECT_EQ(e.field(), "campaign.end");
    EXPECT_EQ(e.reason(), "missing required key");
}

TEST(CampaignValidation, DailyBudgetIsRequired) {
    const std::string text = campaign("id = \"cmp-a\"\nadvertiser = \"adv-a\"\nstart = 2026-01-01\nend = 2026-01-02\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "[[campaign]]"));
    EXPECT_EQ(e.field(), "campaign.daily_budget");
    EXPECT_EQ(e.reason(), "missing required key (daily_budget or daily_budget_micros; 0 = no daily cap)");
}

TEST(CampaignValidation, MoneyIsNonNegativeAndWrittenOnce) {
    const std::string head = "id = \"cmp-a\"\nadvertiser = \"adv-a\"\nstart = 2026-01-01\nend = 2026-01-02\n";
    std::string text = campaign(head + "daily_budget = -5.0\n");
    ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "daily_budget"));
    EXPECT_EQ(e.field(), "campaign.daily_budget");
    EXPECT_EQ(e.reason(), "must not be negative");

    text = campaign(head + "daily_budget = 1\nlifetime_budget_micros = -1\n");
    e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "lifetime_budget_micros"));
    EXPECT_EQ(e.field(), "campaign.lifetime_budget_micros");
    EXPECT_EQ(e.reason(), "must be between 0 and 9000000000000000000, got -1");

    text = campaign(head + "daily_budget = 1\ndaily_budget_micros = 1000000\n");
    e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "daily_budget_micros"));
    EXPECT_EQ(e.field(), "campaign.daily_budget_micros");
    EXPECT_EQ(e.reason(), "set either daily_budget or daily_budget_micros, not both");

    e = load_error(campaign(head + "daily_budget = \"500\"\n"));
    EXPECT_EQ(e.reason(), "expected a number, got a string");
    e = load_error(campaign(head + "daily_budget = inf\n"));
    EXPECT_EQ(e.reason(), "must be a finite number");
    e = load_error(campaign(head + "daily_budget = 1e20\n"));
    EXPECT_EQ(e.reason(), "is too large");
}

TEST(CampaignValidation, PacingIsOneOfTheModes) {
    const std::string text = campaign(
        "id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
        "start = 2026-01-01\nend = 2026-01-02\npacing = \"smooth\"\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "pacing"));
    EXPECT_EQ(e.field(), "campaign.pacing");
    EXPECT_EQ(e.reason(), "unknown pacing \"smooth\" (expected even, traffic, asap or front_loaded)");
}

TEST(CampaignValidation, TimezoneIsCheckedAndEmptyInherits) {
    const std::string head =
        "id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
        "start = 2026-01-01\nend = 2026-01-02\n";
    const std::string text = campaign(head + "timezone = \"Europe/Atlantis\"\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "timezone"));
    EXPECT_EQ(e.field(), "campaign.timezone");
    EXPECT_EQ(load_text(campaign(head + "timezone = \"\"\n")).campaigns.campaigns[0].timezone, "UTC");
}

TEST(CampaignValidation, TypoedKeyIsReportedBeforeOtherProblems) {
    // The campaign is also missing its budget; the typo explains why.
    const std::string text = campaign(
        "id = \"cmp-a\"\nadvertiser = \"adv-a\"\ndaly_budget = 100\n"
        "start = 2026-01-01\nend = 2026-01-02\n");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "daly_budget"));
    EXPECT_EQ(e.field(), "campaign.daly_budget");
    EXPECT_EQ(e.reason(), "unknown key (did you mean \"daily_budget\"?)");
}

}  // namespace
}  // namespace bidline

namespace bidline {
namespace {

// [campaign.daypart], paused and the manual bid override.
std::string daypart_campaign(std::string_view extra) {
    return "[[advertiser]]\nid = \"adv-a\"\n\n[[campaign]]\nid = \"c\"\nadvertiser = \"adv-a\"\ndaily_budget = 1\n"
           "start = 2026-01-01\nend = 2026-12-31\n" + std::string(extra);
}

TEST(CampaignDaypart, DaysListHoursOnAndRulesSetMultipliers) {
    const Config c = config_test::load_text(daypart_campaign(
        "paused = true\nbid_multiplier_override = 0.5\n[campaign.daypart]\nmon = \"09-12,14-18\"\nsun = \"\"\n"
        "multipliers = [\"mon-fri 18-22 1.3\", \"sat,sun 00-24 0.8\", \"all 03-04 2\"]\n"));
    const Campaign& k = c.campaigns.campaigns.at(0);
    EXPECT_TRUE(k.paused);
    EXPECT_DOUBLE_EQ(k.bid_multiplier_override, 0.5);
    const Daypart& d = k.daypart;
    EXPECT_FALSE(d.on[8]);
    EXPECT_TRUE(d.on[9]);
    EXPECT_FALSE(d.on[12]);
    EXPECT_TRUE(d.on[17]);
    EXPECT_FALSE(d.on[18]);
    EXPECT_TRUE(d.on[24 + 3]) << "Tuesday is not listed: on all day";
    for (int h = 0; h < 24; ++h) EXPECT_FALSE(d.on[6 * 24 + h]);
    EXPECT_FLOAT_EQ(d.multiplier[4 * 24 + 18], 1.3f);  // Friday 18:00
    EXPECT_FLOAT_EQ(d.multiplier[5 * 24 + 23], 0.8f);  // Saturday 23:00
    EXPECT_FLOAT_EQ(d.multiplier[5 * 24 + 3], 2.0f);   // the later rule wins
    EXPECT_FLOAT_EQ(d.multiplier[1 * 24 + 12], 1.0f);
}

TEST(CampaignDaypart, DefaultsToOnAllWeekAtOneAndRejectsMalformedRules) {
    const Campaign k = config_test::load_text(daypart_campaign("")).campaigns.campaigns.at(0);
    EXPECT_EQ(k.daypart, Daypart{});
    EXPECT_FALSE(k.paused);
    EXPECT_EQ(k.bid_multiplier_override, 0.0);
    for (const char* bad : {"mon = \"9-25\"", "mon = \"18-09\"", "tue = \"morning\"", "multipliers = [\"mon 09-10\"]",
                            "multipliers = [\"funday 09-10 1.2\"]", "multipliers = [\"mon 09-10 50\"]", "noon = \"12-13\""}) {
        const ConfigError e = config_test::load_error(daypart_campaign("[campaign.daypart]\n" + std::string(bad) + "\n"));
        EXPECT_TRUE(e.field().starts_with("campaign.daypart")) << bad << ": " << e.field();
    }
    EXPECT_EQ(config_test::load_error(daypart_campaign("paused = \"yes\"\n")).field(), "campaign.paused");
    EXPECT_EQ(config_test::load_error(daypart_campaign("bid_multiplier_override = -1\n")).field(),
              "campaign.bid_multiplier_override");
}

}  // namespace
}  // namespace bidline
