// POST /v1/reports/{google_ads,meta,tiktok} against the real binary: each
// platform's report (the fixtures of tests/feeds) becomes exactly its
// normalised figures in /v1/stats "platform_reports", beside (not in) the
// ledger; unmapped platform campaigns are listed; a malformed report is a
// 400 naming the JSON path; a re-posted report counts once; the figures
// come back from the event log after a restart.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_process.h"
#include "support/http_client.h"

namespace bidline::test {
namespace {

std::filesystem::path reports_config() {
    const auto path = std::filesystem::path(testing::TempDir()) / "platform_reports.toml";
    std::ofstream(path) << R"([engine]
shards = 2
control_tick_ms = 50

[[advertiser]]
id = "adv"

[[campaign]]
id = "winter-sale"
advertiser = "adv"
daily_budget = 100.0
start = 2024-01-01
end = 2030-12-31
platform_ids = { google_ads = "111" }

[[campaign]]
id = "brand"
advertiser = "adv"
daily_budget = 100.0
start = 2024-01-01
end = 2030-12-31
platform_ids = { google_ads = "222" }

[[campaign]]
id = "retargeting"
advertiser = "adv"
daily_budget = 100.0
start = 2024-01-01
end = 2030-12-31
platform_ids = { meta = "23850000000000001" }

[[campaign]]
id = "tiktok-launch"
advertiser = "adv"
daily_budget = 100.0
start = 2024-01-01
end = 2030-12-31
platform_ids = { tiktok = "1780000000000001" }

[[line_item]]
id = "li"
campaign = "winter-sale"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr"
format = "banner"
w = 300
h = 250
markup = "<div>ad</div>"
)";
    return path;
}

std::string fixture(std::string_view name) {
    std::ifstream in(std::string(BIDLINE_SOURCE_DIR) + "/tests/feeds/fixtures/" + std::string(name));
    EXPECT_TRUE(in) << name;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Reported {
    std::int64_t spend_micros = -1, impressions = -1, clicks = -1, conversion_value_micros = -1, rows = -1;
    double conversions = -1;
    std::vector<std::string> hours;
    bool operator==(const Reported&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Reported& r) {
    os << "{spend " << r.spend_micros << ", imps " << r.impressions << ", clicks " << r.clicks << ", conv "
       << r.conversions << ", value " << r.conversion_value_micros << ", rows " << r.rows << ", hours";
    for (const auto& h : r.hours) os << " " << h;
    return os << "}";
}

std::optional<Reported> reported(EngineProcess& engine, std::string_view campaign, std::string_view platform) {
    HttpClient c(engine.host(), engine.port());
    const HttpResponse r = c.request("GET", "/v1/stats");
    EXPECT_EQ(r.status, 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    for (simdjson::dom::element p : doc["platform_reports"].get_array()) {
        if (std::string_view(p["campaign"].get_string()) != campaign ||
            std::string_view(p["platform"].get_string()) != platform)
            continue;
        Reported out;
        out.spend_micros = p["spend_micros"].get_int64();
        out.impressions = p["impressions"].get_int64();
        out.clicks = p["clicks"].get_int64();
        out.conversions = p["conversions"].get_double();
        out.conversion_value_micros = p["conversion_value_micros"].get_int64();
        out.rows = p["rows"].get_int64();
        for (simdjson::dom::element h : p["hours"].get_array())
            out.hours.emplace_back(std::string_view(h.get_string()));
        return out;
    }
    return std::nullopt;
}

// Stats are rendered each control tick: poll until the figures show (or the deadline passes).
std::optional<Reported> await_reported(EngineProcess& engine, std::string_view campaign, std::string_view platform,
                                       std::int64_t rows) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::optional<Reported> r;
    while (std::chrono::steady_clock::now() < deadline) {
        r = reported(engine, campaign, platform);
        if (r && r->rows >= rows) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return r;
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& body) { return parser.parse(body); }

const Reported kWinterSale{
    15'500'000, 4900, 150, 325'750'000, 2, 6.5, {"2026-11-23T15:00:00Z", "2026-11-23T16:00:00Z"}};
const Reported kBrand{0, 10, 0, 0, 1, 0, {"2026-11-23T15:00:00Z"}};
const Reported kRetargeting{12'840'000, 1040, 26, 89'970'000, 2, 3, {"2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z"}};
const Reported kTiktok{46'670'000, 12200, 343, 456'780'000, 2, 12, {"2026-11-22T16:00:00Z", "2026-11-23T02:00:00Z"}};

void post_all_three(EngineProcess& engine) {
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    // New York account in November: local 10:00 is 15:00 UTC.
    HttpResponse g =
        c.request("POST", "/v1/reports/google_ads?utc_offset=-05:00", fixture("google_ads_search_hourly.json"));
    ASSERT_EQ(g.status, 200) << g.body;
    simdjson::dom::element gd = parse(parser, g.body);
    EXPECT_EQ(std::int64_t(gd["accepted"].get_int64()), 3);
    EXPECT_EQ(std::int64_t(gd["duplicates"].get_int64()), 0);
    simdjson::dom::array unmapped = gd["unmapped"].get_array();
    ASSERT_EQ(unmapped.size(), 1u) << g.body;
    EXPECT_EQ(std::string_view(unmapped.at(0)["platform_campaign_id"].get_string()), "999");
    EXPECT_EQ(std::string_view(unmapped.at(0)["path"].get_string()), "results[3]");

    HttpResponse m = c.request("POST", "/v1/reports/meta?utc_offset=%2B01:00", fixture("meta_insights_hourly.json"));
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(std::int64_t(parse(parser, m.body)["accepted"].get_int64()), 2);

    HttpResponse t = c.request("POST", "/v1/reports/tiktok?utc_offset=%2B08:00", fixture("tiktok_report_hourly.json"));
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_EQ(std::int64_t(parse(parser, t.body)["accepted"].get_int64()), 2);
}

TEST(PlatformReportsHttp, EachPlatformsReportShowsItsNormalisedFigures) {
    EngineProcess engine({"serve", "--config", reports_config().string()});
    post_all_three(engine);
    EXPECT_EQ(await_reported(engine, "winter-sale", "google_ads", 2), kWinterSale);
    EXPECT_EQ(await_reported(engine, "brand", "google_ads", 1), kBrand);
    EXPECT_EQ(await_reported(engine, "retargeting", "meta", 2), kRetargeting);
    EXPECT_EQ(await_reported(engine, "tiktok-launch", "tiktok", 2), kTiktok);

    // Beside the ledger, not in it: our own spend is untouched.
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    simdjson::dom::element stats = parse(parser, c.request("GET", "/v1/stats").body);
    EXPECT_EQ(std::int64_t(stats["totals"]["spend_micros"].get_int64()), 0);
}

TEST(PlatformReportsHttp, RepostedReportCountsOnceAndRestatementReplaces) {
    EngineProcess engine({"serve", "--config", reports_config().string()});
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    const std::string report = fixture("google_ads_search_hourly.json");
    ASSERT_EQ(c.request("POST", "/v1/reports/google_ads?utc_offset=-05:00", report).status, 200);
    HttpResponse again = c.request("POST", "/v1/reports/google_ads?utc_offset=-05:00", report);
    ASSERT_EQ(again.status, 200) << again.body;
    simdjson::dom::element d = parse(parser, again.body);
    EXPECT_EQ(std::int64_t(d["accepted"].get_int64()), 0);
    EXPECT_EQ(std::int64_t(d["duplicates"].get_int64()), 3);
    EXPECT_EQ(await_reported(engine, "winter-sale", "google_ads", 2), kWinterSale);

    // A restated report (new revision) replaces the figures of its hours.
    const std::string restated =
        R"({"results":[{"campaign":{"id":"111"},"metrics":{"costMicros":"20000000",)"
        R"("impressions":"5000","clicks":"130"},"segments":{"date":"2026-11-23","hour":10}}]})";
    HttpResponse r2 = c.request("POST", "/v1/reports/google_ads?utc_offset=-05:00&revision=2026-11-24", restated);
    ASSERT_EQ(r2.status, 200) << r2.body;
    Reported want = kWinterSale;
    want.spend_micros = 20'000'000 + 3'000'000;
    want.impressions = 5000 + 900;
    want.clicks = 130 + 30;
    want.conversions = 0;
    want.conversion_value_micros = 0;
    std::optional<Reported> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline && (got = reported(engine, "winter-sale", "google_ads")) != want)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(got, want);
}

TEST(PlatformReportsHttp, MalformedReportIs400WithTheJsonPathAndAppliesNothing) {
    EngineProcess engine({"serve", "--config", reports_config().string()});
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    HttpResponse bad =
        c.request("POST", "/v1/reports/google_ads",
                  R"({"results":[{"campaign":{"id":"111"},"segments":{"date":"2026-11-23","hour":3}},)"
                  R"({"campaign":{"id":"111"},"segments":{"date":"2026-11-23"},"metrics":{"costMicros":"12.5"}}]})");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("results[1].metrics.costMicros: expected a non-negative integer"), std::string::npos)
        << bad.body;

    HttpResponse not_json = c.request("POST", "/v1/reports/meta", "{");
    EXPECT_EQ(not_json.status, 400) << not_json.body;
    EXPECT_NE(not_json.body.find("invalid JSON"), std::string::npos) << not_json.body;

    EXPECT_EQ(c.request("POST", "/v1/reports/google_ads?utc_offset=8", "{\"results\":[]}").status, 400);
    EXPECT_EQ(c.request("POST", "/v1/reports/bing", "{}").status, 404);
    EXPECT_EQ(c.request("GET", "/v1/reports/meta").status, 405);

    // A valid report afterwards shows only its own figures.
    ASSERT_EQ(
        c.request("POST", "/v1/reports/google_ads?utc_offset=-05:00", fixture("google_ads_search_hourly.json")).status,
        200);
    EXPECT_EQ(await_reported(engine, "winter-sale", "google_ads", 2), kWinterSale);
}

TEST(PlatformReportsHttp, FiguresSurviveARestartWithTheSameDataDir) {
    const auto data_dir = std::filesystem::path(testing::TempDir()) / ("reports-restart-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    {
        EngineProcess engine({"serve", "--config", reports_config().string(), "--data-dir", data_dir.string()});
        post_all_three(engine);  // each 200 came after its rows were durable
        ASSERT_TRUE(engine.stop().has_value());
    }
    EngineProcess engine({"serve", "--config", reports_config().string(), "--data-dir", data_dir.string()});
    EXPECT_EQ(await_reported(engine, "winter-sale", "google_ads", 2), kWinterSale);
    EXPECT_EQ(await_reported(engine, "brand", "google_ads", 1), kBrand);
    EXPECT_EQ(await_reported(engine, "retargeting", "meta", 2), kRetargeting);
    EXPECT_EQ(await_reported(engine, "tiktok-launch", "tiktok", 2), kTiktok);
    // And a re-post after the restart is still a duplicate.
    HttpClient c(engine.host(), engine.port());
    HttpResponse again =
        c.request("POST", "/v1/reports/tiktok?utc_offset=%2B08:00", fixture("tiktok_report_hourly.json"));
    simdjson::dom::parser parser;
    EXPECT_EQ(std::int64_t(parse(parser, again.body)["duplicates"].get_int64()), 2) << again.body;
    std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace bidline::test
