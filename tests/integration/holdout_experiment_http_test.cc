// A campaign's holdout experiment through the real engine, as an exchange,
// an advertiser's conversion feed and an analyst see it: users the stable
// hash of (experiment id, user id) holds out get no bid (204, no-bid reason
// `holdout`), the others are bid for; conversions posted with a user id and
// no bid are credited to the user's group; /v1/stats → experiments reports
// users, converters, value, spend and the incrementality estimates, equal
// to measure_incrementality on the same counts.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "bidline/models/experiments/assignment.h"
#include "bidline/models/experiments/incrementality.h"
#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

using test::EngineProcess;
using test::HttpClient;

constexpr int kUsers = 200;
constexpr double kShare = 0.3;
constexpr std::int64_t kEventMs = 1795400000000;

std::string request(int n, const std::string& user_json) {
    return R"({"id":"r)" + std::to_string(n) + R"(","imp":[{"id":"1","banner":{"w":300,"h":250}}],)"
           R"("site":{"domain":"news.example"})" + user_json + "}";
}
std::string user_id(int n) { return "user-" + std::to_string(n); }
bool held_out(int n) { return experiments::assignment_hash("spring-holdout", user_id(n)) < kShare; }
// Who converts: a third of the exposed users, a fifth of the held-out ones.
bool converts(int n) { return held_out(n) ? n % 5 == 0 : n % 3 == 0; }

std::string conversion(const std::string& event_id, const std::string& user, double value) {
    return R"({"type":"conversion","event_id":")" + event_id + R"(","user_id":")" + user + R"(","value":)" +
           std::to_string(value) + R"(,"ts":)" + std::to_string(kEventMs) + "}\n";
}

// /v1/stats prints doubles with 6 significant digits.
void expect_printed(simdjson::simdjson_result<simdjson::dom::element> e, double want) {
    EXPECT_NEAR(e.get_double().value(), want, 1e-5 * std::max(1.0, std::abs(want)));
}

TEST(HoldoutExperimentHttp, HeldOutUsersGetNoBidAndStatsMeasureTheLift) {
    test::MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n";
    c.daily_budget = 1'000'000;
    c.campaign_extra = "pacing = \"asap\"\n[campaign.experiment]\nid = \"spring-holdout\"\nholdout_share = 0.3\n";
    EngineProcess engine({"serve", "--config", test::write_mini_config("holdout.toml", c).string()});
    HttpClient http(engine.host(), engine.port());

    int holdout_users = 0, exposed_users = 0, bids = 0;
    std::string wins;
    for (int n = 0; n < kUsers; ++n) {
        // Every user comes twice (user.id, then the same id as device.ifa): one user, one group.
        for (const std::string& who : {R"(,"user":{"id":")" + user_id(n) + R"("})",
                                       R"(,"device":{"ifa":")" + user_id(n) + R"("})"}) {
            const auto r = http.post_bid(request(n, who));
            ASSERT_EQ(r.status, held_out(n) ? 204 : 200) << user_id(n) << ": " << r.body;
            if (r.status != 200) continue;
            simdjson::dom::parser p;
            const std::string bid(p.parse(r.body)["seatbid"].at(0)["bid"].at(0)["id"].get_string().value());
            ASSERT_EQ(http.request("GET", "/v1/notice/win?bid=" + bid + "&li=li&price=2.0").status, 200);
            ++bids;
        }
        ++(held_out(n) ? holdout_users : exposed_users);
    }
    ASSERT_GT(holdout_users, 40);  // ~60 of 200 by the hash
    ASSERT_LT(holdout_users, 80);
    // No user id: nobody to hold out or measure, so always bid for.
    EXPECT_EQ(http.post_bid(request(kUsers, "")).status, 200);

    // Conversions by user, no bid: each converting user once at 10.00 and
    // once more at 5.00 (two conversions, one converter); a repeated event
    // id and a user never met count nothing.
    std::string events;
    std::uint64_t exposed_converters = 0, holdout_converters = 0;
    for (int n = 0; n < kUsers; ++n) {
        if (!converts(n)) continue;
        ++(held_out(n) ? holdout_converters : exposed_converters);
        events += conversion("c1-" + std::to_string(n), user_id(n), 10.0);
        events += conversion("c2-" + std::to_string(n), user_id(n), 5.0);
    }
    events += conversion("c1-0", user_id(0), 10.0);
    events += conversion("c-stranger", "user-never-seen", 10.0);
    const auto posted = http.request("POST", "/v1/events", events);
    ASSERT_EQ(posted.status, 200) << posted.body;

    simdjson::dom::parser p;
    simdjson::dom::element x;
    std::string stats;
    for (int attempt = 0; attempt < 200; ++attempt) {
        stats = http.request("GET", "/v1/stats").body;
        ASSERT_EQ(p.parse(stats)["experiments"].at(0).get(x), simdjson::SUCCESS) << stats;
        if (x["exposed"]["converters"].get_uint64().value() + x["holdout"]["converters"].get_uint64().value() ==
                exposed_converters + holdout_converters &&
            x["spend_micros"].get_int64().value() == 2000 * bids)
            break;
        usleep(50'000);
    }
    EXPECT_EQ(std::string_view(x["campaign"].get_string().value()), "cmp");
    EXPECT_EQ(std::string_view(x["experiment"].get_string().value()), "spring-holdout");
    EXPECT_EQ(x["exposed"]["users"].get_uint64().value(), static_cast<std::uint64_t>(exposed_users)) << stats;
    EXPECT_EQ(x["holdout"]["users"].get_uint64().value(), static_cast<std::uint64_t>(holdout_users)) << stats;
    EXPECT_EQ(x["exposed"]["converters"].get_uint64().value(), exposed_converters) << stats;
    EXPECT_EQ(x["holdout"]["converters"].get_uint64().value(), holdout_converters) << stats;
    EXPECT_EQ(x["exposed"]["conversions"].get_uint64().value(), 2 * exposed_converters) << stats;
    EXPECT_EQ(x["holdout"]["value_micros"].get_int64().value(), static_cast<std::int64_t>(15'000'000 * holdout_converters));
    EXPECT_EQ(x["spend_micros"].get_int64().value(), 2000 * bids) << stats;  // CPM 2.0 per won impression

    const auto want = experiments::measure_incrementality(
        {static_cast<std::int64_t>(exposed_converters), exposed_users},
        {static_cast<std::int64_t>(holdout_converters), holdout_users}, 2000.0 * bids / 1e6, 15.0);
    expect_printed(x["incremental_conversions"]["value"], want.incremental_conversions.value);
    expect_printed(x["incremental_conversions"]["low"], want.incremental_conversions.low);
    expect_printed(x["lift"]["value"], want.lift.value);
    expect_printed(x["lift"]["high"], want.lift.high);
    expect_printed(x["iroas"]["value"], want.iroas.value);
    EXPECT_GT(want.lift.value, 0.0);  // a third of the exposed converted, a fifth of the held out

    // Each held-out request was a no-bid for the holdout's sake.
    EXPECT_EQ(p.parse(stats)["shards"].at(0)["no_bid"]["holdout"].get_uint64().value(),
              static_cast<std::uint64_t>(2 * holdout_users));
}

}  // namespace
}  // namespace bidline
