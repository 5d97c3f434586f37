// Platform reports (fixtures written from the platforms' public reporting
// API docs) normalise to exact micros, UTC buckets and our campaign ids.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "bidline/feeds/spend_report.h"

namespace bidline::feeds {
namespace {

using namespace std::chrono;

std::string fixture(std::string_view name) {
    std::ifstream in(std::string(BIDLINE_FEEDS_FIXTURES) + "/" + std::string(name));
    EXPECT_TRUE(in) << name;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

UtcMicros utc(int y, unsigned m, unsigned d, int h = 0) {
    return UtcMicros{sys_days{year{y} / m / d}} + hours{h};
}

SpendReportRow row(Platform p, std::string platform_id, std::string ours, UtcMicros bucket, Granularity g,
                   std::int64_t spend, std::int64_t impressions, std::int64_t clicks, double conversions,
                   std::int64_t value) {
    return SpendReportRow{.platform = p,
                          .platform_campaign_id = std::move(platform_id),
                          .campaign = CampaignId{std::move(ours)},
                          .bucket_start = bucket,
                          .granularity = g,
                          .spend = Micros(spend),
                          .impressions = impressions,
                          .clicks = clicks,
                          .conversions = conversions,
                          .conversion_value = Micros(value)};
}

class PlatformReports : public ::testing::Test {
protected:
    CampaignMapping mapping{{"111", CampaignId{"winter-sale"}},
                            {"222", CampaignId{"brand"}},
                            {"23850000000000001", CampaignId{"retargeting"}},
                            {"1780000000000001", CampaignId{"tiktok-launch"}}};
    ReportContext context{.campaigns = &mapping};
};

TEST_F(PlatformReports, GoogleAdsHourlySearchResults) {
    context.account_utc_offset = -hours{5};  // an America/New_York account in November
    SpendReport report;
    const FeedError error = parse_google_ads_report(fixture("google_ads_search_hourly.json"), context, report);
    ASSERT_TRUE(error.ok()) << error.message();
    const auto g = Platform::google_ads;
    ASSERT_EQ(report.rows.size(), 3u);
    EXPECT_EQ(report.rows[0], row(g, "111", "winter-sale", utc(2026, 11, 23, 15), Granularity::hour, 12'500'000,
                                  4000, 120, 6.5, 325'750'000));
    EXPECT_EQ(report.rows[1],
              row(g, "111", "winter-sale", utc(2026, 11, 23, 16), Granularity::hour, 3'000'000, 900, 30, 0, 0));
    EXPECT_EQ(report.rows[2], row(g, "222", "brand", utc(2026, 11, 23, 15), Granularity::hour, 0, 10, 0, 0, 0));
    EXPECT_EQ(report.unmapped, (std::vector<UnmappedRow>{{"results[3]", "999"}}));
}

TEST_F(PlatformReports, GoogleAdsSearchStreamBatchesOfDailyRows) {
    SpendReport report;
    ASSERT_TRUE(parse_google_ads_report(fixture("google_ads_search_stream_daily.json"), context, report).ok());
    const auto g = Platform::google_ads;
    ASSERT_EQ(report.rows.size(), 2u);
    EXPECT_EQ(report.rows[0], row(g, "111", "winter-sale", utc(2026, 11, 22), Granularity::day, 45'120'000, 15000,
                                  410, 12, 980'500'000));
    EXPECT_EQ(report.rows[1],
              row(g, "222", "brand", utc(2026, 11, 22), Granularity::day, 990'000, 300, 7, 0, 0));
}

TEST_F(PlatformReports, MetaInsightsHourlyTakesTheFirstConfiguredPurchaseType) {
    context.account_utc_offset = hours{1};  // Europe/Paris in November
    SpendReport report;
    const FeedError error = parse_meta_report(fixture("meta_insights_hourly.json"), context, report);
    ASSERT_TRUE(error.ok()) << error.message();
    const auto m = Platform::meta;
    ASSERT_EQ(report.rows.size(), 2u);
    // fb_pixel_purchase (3) ranks before purchase and omni_purchase (4): never summed.
    EXPECT_EQ(report.rows[0], row(m, "23850000000000001", "retargeting", utc(2026, 11, 23, 9), Granularity::hour,
                                  12'340'000, 1000, 25, 3, 89'970'000));
    EXPECT_EQ(report.rows[1], row(m, "23850000000000001", "retargeting", utc(2026, 11, 23, 10), Granularity::hour,
                                  500'000, 40, 1, 0, 0));
    EXPECT_TRUE(report.unmapped.empty());
}

TEST_F(PlatformReports, TiktokHourlyReportCrossesMidnightToUtc) {
    context.account_utc_offset = hours{8};  // Asia/Singapore
    SpendReport report;
    const FeedError error = parse_tiktok_report(fixture("tiktok_report_hourly.json"), context, report);
    ASSERT_TRUE(error.ok()) << error.message();
    const auto t = Platform::tiktok;
    ASSERT_EQ(report.rows.size(), 2u);
    EXPECT_EQ(report.rows[0], row(t, "1780000000000001", "tiktok-launch", utc(2026, 11, 23, 2), Granularity::hour,
                                  45'670'000, 12000, 340, 12, 456'780'000));
    EXPECT_EQ(report.rows[1], row(t, "1780000000000001", "tiktok-launch", utc(2026, 11, 22, 16), Granularity::hour,
                                  1'000'000, 200, 3, 0, 0));
}

TEST_F(PlatformReports, ErrorsNameTheJsonPath) {
    SpendReport report;
    auto google = [&](std::string_view json) {
        return std::string(parse_google_ads_report(json, context, report).message());
    };
    EXPECT_EQ(google(R"({"results":[{"campaign":{"id":"111"},"segments":{"date":"2026-11-23"},)"
                     R"("metrics":{"costMicros":"12.5"}}]})"),
              "results[0].metrics.costMicros: expected a non-negative integer");
    EXPECT_EQ(google(R"({"results":[{"campaign":{"id":"111"},"segments":{"date":"2026-11-23","hour":24}}]})"),
              "results[0].segments.hour: expected an hour 0-23");
    EXPECT_EQ(google(R"([{"results":[]},{"results":[{"segments":{"date":"2026-11-23"}}]}])"),
              "[1].results[0].campaign.id: expected the campaign id (select campaign.id)");
    EXPECT_EQ(google(R"({"results":[{"campaign":{"id":"1"},"segments":{"date":"23/11/2026"}}]})"),
              R"(results[0].segments.date: expected a date like "2026-11-23" (select segments.date))");
    EXPECT_EQ(google("{"), "invalid JSON: The JSON document has an improper structure: missing or superfluous "
                           "commas, braces, missing keys, etc.");
    EXPECT_TRUE(report.rows.empty());

    auto meta = [&](std::string_view json) {
        return std::string(parse_meta_report(json, context, report).message());
    };
    EXPECT_EQ(meta(R"({"data":[{"campaign_id":"1","date_start":"2026-11-23","spend":"-1"}]})"),
              "data[0].spend: expected a non-negative amount");
    EXPECT_EQ(meta(R"({"data":[{"campaign_id":"1","date_start":"2026-11-23","date_stop":"2026-11-29"}]})"),
              "data[0].date_stop: expected the same day as date_start (request time_increment=1)");
    EXPECT_EQ(meta(R"({"data":[{"campaign_id":"1","date_start":"2026-11-23","actions":[{"value":"1"}]}]})"),
              "data[0].actions[0].action_type: expected a string");
    EXPECT_EQ(meta(R"({"error":{"message":"Invalid OAuth access token.","code":190}})"),
              "error: Meta returned an error: Invalid OAuth access token.");

    auto tiktok = [&](std::string_view json) {
        return std::string(parse_tiktok_report(json, context, report).message());
    };
    EXPECT_EQ(tiktok(R"({"code":40105,"message":"Access token is incorrect or has been revoked."})"),
              "code: TikTok returned error 40105: Access token is incorrect or has been revoked.");
    EXPECT_EQ(tiktok(R"({"code":0,"data":{"list":[{"dimensions":{"campaign_id":"1",)"
                     R"("stat_time_hour":"2026-11-23 10:30:00"},"metrics":{}}]}})"),
              R"(data.list[0].dimensions.stat_time_hour: expected a time like "2026-11-23 10:00:00")");
    EXPECT_EQ(tiktok(R"({"code":0,"data":{"list":[{"dimensions":{"campaign_id":"1",)"
                     R"("stat_time_day":"2026-11-23 00:00:00"},"metrics":{"clicks":"x"}}]}})"),
              "data.list[0].metrics.clicks: expected a non-negative integer");
}

TEST_F(PlatformReports, WithoutMappingEveryRowIsUnmapped) {
    context.campaigns = nullptr;
    SpendReport report;
    ASSERT_TRUE(parse_tiktok_report(fixture("tiktok_report_hourly.json"), context, report).ok());
    EXPECT_TRUE(report.rows.empty());
    EXPECT_EQ(report.unmapped.size(), 2u);
}

TEST_F(PlatformReports, RowBecomesASpendReportEvent) {
    SpendReport report;
    ASSERT_TRUE(parse_tiktok_report(fixture("tiktok_report_hourly.json"), context, report).ok());
    const Event e = to_event(report.rows[0], "r1");
    EXPECT_EQ(e.kind, EventKind::spend_report);
    EXPECT_EQ(e.event_id, "tiktok:1780000000000001:1795428000000000:r1");
    EXPECT_EQ(e.campaign_id, "tiktok-launch");
    EXPECT_EQ(e.spend.spend, Micros(45'670'000));
    EXPECT_EQ(e.ts, report.rows[0].bucket_start);
}

}  // namespace
}  // namespace bidline::feeds
