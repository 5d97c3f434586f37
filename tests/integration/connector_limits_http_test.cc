// Per-connector limits on the feed endpoints, against the real binary with
// a configuration of tiny limits: past its burst a connector gets 429 with
// Retry-After and a JSON error naming it and the limit, and nothing of the
// refused request is applied; a spent daily quota refuses until 00:00 UTC;
// other connectors (and the exchanges' notice URLs) are unaffected.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline::test {
namespace {

std::filesystem::path limits_config() {
    MiniConfig c;
    c.engine = R"(shards = 2
control_tick_ms = 50

[connectors.tiny]
requests_per_second = 0.001   # one request per ~17 minutes after the burst
burst = 2
daily_units = 1000

[connectors.quota]
requests_per_second = 1000
burst = 1000
daily_units = 3
)";
    c.campaign_extra = "platform_ids = { google_ads = \"111\" }\n";
    return write_mini_config("connector_limits.toml", c);
}

std::string win(int n) { return mini_win_event(n); }

std::int64_t wins(EngineProcess& engine) {
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    const HttpResponse r = c.request("GET", "/v1/stats");
    simdjson::dom::element doc = parser.parse(r.body);
    for (simdjson::dom::element li : doc["line_items"].get_array())
        if (std::string_view(li["id"].get_string()) == "li") return li["wins"].get_int64();
    return -1;
}

std::int64_t await_wins(EngineProcess& engine, std::int64_t want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::int64_t w = -1;
    while (std::chrono::steady_clock::now() < deadline && (w = wins(engine)) < want)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return w;
}

HeaderList as(std::string connector) { return {{"X-Bidline-Connector", std::move(connector)}}; }

TEST(ConnectorLimitsHttp, BeyondTheBurstIs429AndNotApplied) {
    EngineProcess engine({"serve", "--config", limits_config().string()});
    HttpClient c(engine.host(), engine.port());
    EXPECT_EQ(c.request("POST", "/v1/events", win(1) + "\n", as("tiny")).status, 200);
    EXPECT_EQ(c.request("POST", "/v1/events", win(2) + "\n", as("tiny")).status, 200);
    const HttpResponse refused = c.request("POST", "/v1/events", win(3) + "\n", as("tiny"));
    ASSERT_EQ(refused.status, 429) << refused.body;
    ASSERT_TRUE(refused.headers.get("retry-after").has_value());
    EXPECT_GE(std::stoll(*refused.headers.get("retry-after")), 1);
    simdjson::dom::parser parser;
    simdjson::dom::element err = parser.parse(refused.body);
    EXPECT_EQ(std::string_view(err["error"].get_string()), "rate_limited");
    EXPECT_EQ(std::string_view(err["connector"].get_string()), "tiny");
    EXPECT_EQ(std::string_view(err["limit"].get_string()), "requests_per_second");
    // Reports are limited by the same connector's bucket.
    EXPECT_EQ(c.request("POST", "/v1/reports/google_ads", R"({"results":[]})", as("tiny")).status, 429);

    // Another connector, and requests naming none ("default"), are served.
    EXPECT_EQ(c.request("POST", "/v1/events", win(4) + "\n", as("other")).status, 200);
    EXPECT_EQ(c.request("POST", "/v1/events", win(5) + "\n").status, 200);
    // Notices come from exchanges' pixels: exempt, whatever the header says.
    EXPECT_EQ(c.request("GET", "/v1/notice/win?bid=0000000000000999&li=li&price=1.0", {}, as("tiny")).status, 200);

    // w1, w2, w4, w5 and the notice: 5 wins; the refused w3 is nowhere.
    EXPECT_EQ(await_wins(engine, 5), 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // several ticks: nothing more arrives
    EXPECT_EQ(wins(engine), 5);
}

TEST(ConnectorLimitsHttp, SpentDailyQuotaRefusesUntilUtcMidnight) {
    EngineProcess engine({"serve", "--config", limits_config().string()});
    HttpClient c(engine.host(), engine.port());
    // Three units a day: a three-line batch fits exactly.
    ASSERT_EQ(c.request("POST", "/v1/events", win(1) + "\n" + win(2) + "\n\n" + win(3) + "\n", as("quota")).status,
              200);
    const HttpResponse refused = c.request("POST", "/v1/events", win(4) + "\n", as("quota"));
    ASSERT_EQ(refused.status, 429) << refused.body;
    simdjson::dom::parser parser;
    simdjson::dom::element err = parser.parse(refused.body);
    EXPECT_EQ(std::string_view(err["limit"].get_string()), "daily_units");
    EXPECT_EQ(std::string_view(err["connector"].get_string()), "quota");
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto to_midnight = duration_cast<seconds>(ceil<days>(now) - now).count();
    const std::int64_t retry = std::stoll(refused.headers.get("retry-after").value_or("0"));
    EXPECT_NEAR(static_cast<double>(retry), static_cast<double>(to_midnight), 5.0);
    // A report of one row is refused too; another connector is not.
    EXPECT_EQ(
        c.request("POST", "/v1/reports/google_ads",
                  R"({"results":[{"campaign":{"id":"111"},"segments":{"date":"2026-11-23","hour":1}}]})", as("quota"))
            .status,
        429);
    EXPECT_EQ(c.request("POST", "/v1/events", win(5) + "\n", as("tiny")).status, 200);
    EXPECT_EQ(await_wins(engine, 4), 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(wins(engine), 4) << "the refused win is not applied";
}

}  // namespace
}  // namespace bidline::test
