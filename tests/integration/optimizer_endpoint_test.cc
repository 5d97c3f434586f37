// The optimizer thread in the real `serve` binary: GET /v1/optimizer reports
// honestly that there is not enough history; daily history is imported with
// POST /v1/optimizer/history (the backfill path; a fresh engine has no days
// of its own), POST /v1/optimizer/run answers 202 and a fit follows; the plan
// moves budget toward the campaign whose response curve is steeper, and the
// applied budgets move toward it by at most the daily limit. Approval and
// manual override behave as documented.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <thread>

#include "support/engine_process.h"
#include "support/http_client.h"

namespace bidline::test {
namespace {

// 120 days before today, three demo campaigns with known Hill responses:
// always-on (budget 900) is saturated, video-launch (400) still steep.
std::string synthetic_history() {
    using namespace std::chrono;
    const sys_days today = floor<days>(system_clock::now());
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    struct Truth {
        const char* id;
        double level, beta, kappa;
    };
    const Truth truth[] = {{"cmp-acme-always-on", 900, 1000, 300},
                           {"cmp-acme-video-launch", 400, 4000, 800},
                           {"cmp-globex-audience", 600, 1500, 600}};
    std::string csv = "date,campaign,spend,conversions,value\n";
    for (int d = 120; d >= 1; --d) {
        const year_month_day ymd{today - days{d}};
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        double value = 2000 + 200 * std::sin(2 * 3.14159265358979 * d / 7.0);
        std::vector<double> spend;
        for (const Truth& t : truth) {
            const double s = u(rng) < 0.25 ? 0.0 : t.level * (0.3 + 1.4 * u(rng));  // dark days and varied spend
            value += t.beta * s / (t.kappa + s);
            spend.push_back(s);
        }
        value *= 1 + 0.005 * (u(rng) - 0.5);
        for (std::size_t c = 0; c < 3; ++c) {
            char line[160];
            // The outcome is reported on the first campaign's row; the model sums the day.
            std::snprintf(line, sizeof line, "%s,%s,%.2f,0,%.2f\n", date, truth[c].id, spend[c], c == 0 ? value : 0.0);
            csv += line;
        }
    }
    return csv;
}

simdjson::dom::element wait_for_status(HttpClient& c, simdjson::dom::parser& parser, std::string_view want,
                                       int runs_at_least) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
        HttpResponse r = c.request("GET", "/v1/optimizer");
        EXPECT_EQ(r.status, 200);
        last = r.body;
        simdjson::dom::element doc = parser.parse(last);
        if (std::string_view(doc["status"].get_string()) == want &&
            std::int64_t(doc["runs"].get_int64()) >= runs_at_least)
            return doc;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "optimizer never reached " << want << "; last: " << last;
    return parser.parse(last);
}

std::int64_t campaign_field(simdjson::dom::element list, std::string_view id, const char* field) {
    for (simdjson::dom::element c : list.get_array())
        if (std::string_view(c["campaign"].get_string()) == id) return c[field].get_int64();
    ADD_FAILURE() << id << " missing";
    return -1;
}

TEST(OptimizerEndpoint, FitsImportedHistoryAndStepsBudgetsWithinTheDailyLimit) {
    EngineProcess engine({"serve", "--shards", "1", "--optimizer-min-days", "60", "--optimizer-interval", "3600"});
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;

    EXPECT_EQ(c.request("POST", "/v1/optimizer/run").status, 202);
    auto doc = wait_for_status(c, parser, "insufficient_history", 1);
    EXPECT_NE(std::string_view(doc["message"].get_string()).find("needs 60"), std::string_view::npos);
    EXPECT_TRUE(doc["plan"].is_null());

    HttpResponse imported = c.request("POST", "/v1/optimizer/history", synthetic_history());
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(c.request("POST", "/v1/optimizer/history", "2024-13-01,x,1,0,1\n").status, 400);

    EXPECT_EQ(c.request("POST", "/v1/optimizer/run").status, 202);
    doc = wait_for_status(c, parser, "plan_active", 2);
    EXPECT_EQ(std::int64_t(doc["last_fit"]["days"].get_int64()), 120);
    EXPECT_GT(double(doc["last_fit"]["r2"].get_double()), 0.9);
    const simdjson::dom::element plan = doc["plan"]["campaigns"];
    EXPECT_LT(campaign_field(plan, "cmp-acme-always-on", "recommended_micros"), 900'000'000);
    EXPECT_GT(campaign_field(plan, "cmp-acme-video-launch", "recommended_micros"), 400'000'000);

    // The applier runs within a second of the plan; budgets move at most 20% on the first day.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    doc = parser.parse(c.request("GET", "/v1/optimizer").body);
    const simdjson::dom::element applied = doc["applied"];
    EXPECT_EQ(campaign_field(applied, "cmp-acme-video-launch", "current_micros"),
              std::min<std::int64_t>(480'000'000, campaign_field(applied, "cmp-acme-video-launch", "target_micros")));
    EXPECT_EQ(campaign_field(applied, "cmp-acme-always-on", "current_micros"),
              std::max<std::int64_t>(720'000'000, campaign_field(applied, "cmp-acme-always-on", "target_micros")));
    // The control loop paces against the published budget (its stats show it).
    const std::string stats = c.request("GET", "/v1/stats").body;
    EXPECT_NE(stats.find(std::to_string(campaign_field(applied, "cmp-acme-video-launch", "current_micros"))),
              std::string::npos);

    // A manual override pins the budget at once; clearing it hands it back to the plan.
    HttpResponse o = c.request("POST", "/v1/optimizer/override?campaign=cmp-acme-always-on&budget_micros=850000000");
    ASSERT_EQ(o.status, 200) << o.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    doc = parser.parse(c.request("GET", "/v1/optimizer").body);
    EXPECT_EQ(campaign_field(doc["applied"], "cmp-acme-always-on", "current_micros"), 850'000'000);
    EXPECT_EQ(c.request("POST", "/v1/optimizer/override?campaign=nope&budget_micros=1").status, 404);
    EXPECT_EQ(c.request("GET", "/v1/optimizer/run").status, 405);
}

TEST(OptimizerEndpoint, PlanWaitsForApproval) {
    EngineProcess engine({"serve", "--shards", "1", "--optimizer-min-days", "60", "--optimizer-approval"});
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    EXPECT_EQ(c.request("POST", "/v1/optimizer/approve").status, 409);
    ASSERT_EQ(c.request("POST", "/v1/optimizer/history", synthetic_history()).status, 200);
    EXPECT_EQ(c.request("POST", "/v1/optimizer/run").status, 202);
    auto doc = wait_for_status(c, parser, "plan_pending_approval", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    doc = parser.parse(c.request("GET", "/v1/optimizer").body);
    EXPECT_EQ(campaign_field(doc["applied"], "cmp-acme-video-launch", "current_micros"), 400'000'000);  // untouched
    EXPECT_EQ(c.request("POST", "/v1/optimizer/approve").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    doc = parser.parse(c.request("GET", "/v1/optimizer").body);
    EXPECT_GT(campaign_field(doc["applied"], "cmp-acme-video-launch", "current_micros"), 400'000'000);
}

}  // namespace
}  // namespace bidline::test
