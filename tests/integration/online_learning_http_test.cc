// Online learning through the real engine, as an exchange and a campaign
// manager see it: a max_clicks line item with no tree model bids its
// conservative fallback; its wins and clicks (notices on loopback) train
// the FTRL click model on the control thread; once it has learned enough of
// the line item, bids follow what it learned (cpc × pCTR, the clicky site
// far above the silent one) and /v1/predict explains them; the learner's
// state and its per line item counts survive a restart.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;
using test::EngineProcess;
using test::HttpClient;

constexpr int kImpressions = 400;  // half on each site; every other clicky impression is clicked
constexpr double kCpc = 0.01;      // $ per click: bid CPM = 10 × pCTR

std::string request(const std::string& site, int n) {
    return R"({"id":"r)" + std::to_string(n) + R"(","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":")" +
           site + R"("},"device":{"ua":"Mozilla/5.0 (Windows NT 10.0) Chrome/120","geo":{"country":"USA"}},)"
           R"("user":{"id":"u)" + std::to_string(n) + R"("}})";
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
    simdjson::dom::element e;
    EXPECT_EQ(p.parse(body).get(e), simdjson::SUCCESS) << body;
    return e;
}

struct Bid {
    std::string id;
    double price = 0;
};

Bid bid(HttpClient& http, const std::string& site, int n) {
    const auto r = http.post_bid(request(site, n));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    simdjson::dom::parser p;
    const auto b = parse(p, r.body)["seatbid"].at(0)["bid"].at(0);
    return {std::string(b["id"].get_string().value()), b["price"].get_double().value()};
}

double predicted_ctr(HttpClient& http, const std::string& site, int n) {
    const auto r = http.request("POST", "/v1/predict?line_item=li", request(site, n));
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser p;
    const auto li = parse(p, r.body)["imps"].at(0)["line_items"].at(0);
    EXPECT_EQ(std::string_view(li["scored_by"].get_string().value()), "online") << r.body;  // no tree model here
    return li["pctr"].get_double().value();
}

// The click learner's counters once the published weights cover `rows`
// rows (bounded wait: labels mature after the 1 s window, weights are
// published every 5 s). Empty when they never do.
struct ClickLearner {
    std::uint64_t rows_total = 0, rows_learned = 0, positives = 0, rows_published = 0;
};
std::optional<ClickLearner> wait_published(HttpClient& http, std::uint64_t rows, std::string& body) {
    for (int attempt = 0; attempt < 300; ++attempt) {
        body = http.request("GET", "/v1/stats").body;
        simdjson::dom::parser p;
        simdjson::dom::element click;
        if (p.parse(body)["online_learning"]["click"].get(click) == simdjson::SUCCESS) {
            ClickLearner c{click["rows_total"].get_uint64().value(), click["rows_learned"].get_uint64().value(),
                           click["positives"].get_uint64().value(), click["rows_published"].get_uint64().value()};
            if (c.rows_published >= rows) return c;
        }
        usleep(50'000);
    }
    return std::nullopt;
}

double multiplier(HttpClient& http) {
    simdjson::dom::parser p;
    return parse(p, http.request("GET", "/v1/stats").body)["line_items"].at(0)["multiplier"].get_double().value();
}

TEST(OnlineLearningHttp, WinsAndClicksTeachTheBidPathAndTheLearnerSurvivesARestart) {
    const fs::path data = fs::temp_directory_path() / ("bidline_online_http_" + std::to_string(::getpid()));
    fs::remove_all(data);
    test::MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n"
               "[models.online]\nalpha = 0.5\nclick_window_s = 1\nmin_impressions = " + std::to_string(kImpressions) + "\n";
    c.daily_budget = 1'000'000;
    c.strategy = "max_clicks";
    c.cpm = 1.0;  // the fallback while nothing scores the line item
    c.bid_extra = "cpc = " + std::to_string(kCpc) + "\n";
    const fs::path config = test::write_mini_config("online_learning.toml", c);
    const std::vector<std::string> args{"serve", "--config", config.string(), "--data-dir", data.string()};
    double clicky_after = 0, quiet_after = 0;
    {
        EngineProcess engine(args);
        HttpClient http(engine.host(), engine.port());
        // No model yet: the $1 CPM fallback, whatever the site.
        EXPECT_NEAR(bid(http, "clicky.example", 0).price, multiplier(http) * 1.0, 1e-9);
        for (int n = 1; n <= kImpressions; ++n) {
            const bool clicky = n % 2 == 1;
            const Bid b = bid(http, clicky ? "clicky.example" : "quiet.example", n);
            ASSERT_FALSE(b.id.empty());
            ASSERT_EQ(http.request("GET", "/v1/notice/win?bid=" + b.id + "&li=li&price=0.5").status, 200);
            if (clicky && n % 4 == 1) {
                ASSERT_EQ(http.request("GET", "/v1/notice/click?bid=" + b.id + "&li=li").status, 200);
            }
        }
        std::string stats;
        const auto learner = wait_published(http, kImpressions, stats);
        ASSERT_TRUE(learner.has_value()) << stats;
        EXPECT_EQ(learner->rows_learned, static_cast<std::uint64_t>(kImpressions)) << stats;
        EXPECT_EQ(learner->positives, static_cast<std::uint64_t>(kImpressions / 4)) << stats;

        // Now FTRL scores the line item: price = multiplier × cpc × pCTR × 1000.
        const Bid clicky = bid(http, "clicky.example", 10'001);
        const Bid quiet = bid(http, "quiet.example", 10'002);
        clicky_after = predicted_ctr(http, "clicky.example", 10'003);
        quiet_after = predicted_ctr(http, "quiet.example", 10'004);
        const double m = multiplier(http);
        EXPECT_NEAR(clicky.price, m * kCpc * clicky_after * 1000.0, 1e-3 * clicky.price);
        EXPECT_NEAR(quiet.price, m * kCpc * quiet_after * 1000.0, 1e-3 * quiet.price);
        // Half the clicky site's impressions were clicked, none of the other's.
        EXPECT_GT(clicky_after, 0.2);
        EXPECT_LT(quiet_after, 0.1);
        EXPECT_GT(clicky.price, 3 * quiet.price);
        EXPECT_NE(stats.find("\"rows_scored\":"), std::string::npos);
        ASSERT_TRUE(engine.stop().has_value());
    }
    ASSERT_TRUE(fs::exists(data / "models" / "online" / "click.ftrl"));
    // Restarted on the same data: the learner and its count of the line
    // item's impressions come back, so FTRL keeps scoring it.
    EngineProcess engine(args);
    HttpClient http(engine.host(), engine.port());
    std::string stats;
    const auto learner = wait_published(http, kImpressions, stats);
    ASSERT_TRUE(learner.has_value()) << stats;
    EXPECT_EQ(learner->rows_total, static_cast<std::uint64_t>(kImpressions));
    EXPECT_EQ(learner->rows_learned, 0u);  // nothing new since the restart
    const double clicky = predicted_ctr(http, "clicky.example", 20'001);
    EXPECT_NEAR(clicky, clicky_after, 0.1 * clicky_after);  // the same weights (an hour boundary may shift a cross)
    EXPECT_GT(bid(http, "clicky.example", 20'002).price, 3 * bid(http, "quiet.example", 20'003).price);
    fs::remove_all(data);
}

}  // namespace
}  // namespace bidline
