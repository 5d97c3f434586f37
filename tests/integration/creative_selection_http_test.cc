// Creative selection through the real engine: a line item with two
// creatives serves both while it knows nothing; its wins and clicks
// (notices on loopback) feed the bandit on the control thread; once the
// posteriors are published, Thompson sampling serves the creative people
// click; /v1/stats shows each creative's counts and state.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <map>
#include <string>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

using test::EngineProcess;
using test::HttpClient;

std::string request(int n) {
    return R"({"id":"r)" + std::to_string(n) + R"(","imp":[{"id":"1","banner":{"w":300,"h":250}}],)"
           R"("site":{"domain":"news.example.com"},"user":{"id":"u)" + std::to_string(n) + R"("}})";
}

struct Served {
    std::string bid_id, creative;
};

// `required`: a no-bid fails the test (else it gives an empty Served).
Served bid(HttpClient& http, int n, bool required = true) {
    const auto r = http.post_bid(request(n));
    if (required) {
        EXPECT_EQ(r.status, 200) << r.body;
    }
    if (r.status != 200) return {};
    simdjson::dom::parser p;
    const auto b = p.parse(r.body)["seatbid"].at(0)["bid"].at(0);
    return {std::string(b["id"].get_string().value()), std::string(b["crid"].get_string().value())};
}

TEST(CreativeSelectionHttp, ClicksSteerServingToTheCreativePeopleClick) {
    test::MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n";
    c.daily_budget = 1'000'000;
    c.campaign_extra = "pacing = \"asap\"\n";  // leases are not held to the day's plan
    c.creative_extra = "[[line_item.creative]]\nid = \"cr-b\"\nformat = \"banner\"\nw = 300\nh = 250\n"
                       "markup = \"<div>ad b</div>\"\n";
    EngineProcess engine({"serve", "--config", test::write_mini_config("creatives.toml", c).string()});
    HttpClient http(engine.host(), engine.port());

    // Knowing nothing, both creatives serve; every impression wins, and
    // every other impression of cr-b is clicked (cr: never).
    std::map<std::string, int> served, clicked;
    for (int n = 0; n < 300; ++n) {
        const Served s = bid(http, n);
        ASSERT_FALSE(s.bid_id.empty());
        ++served[s.creative];
        ASSERT_EQ(http.request("GET", "/v1/notice/win?bid=" + s.bid_id + "&li=li&price=0.5").status, 200);
        if (s.creative == "cr-b" && served[s.creative] % 2 == 0) {
            ASSERT_EQ(http.request("GET", "/v1/notice/click?bid=" + s.bid_id + "&li=li").status, 200);
            ++clicked[s.creative];
        }
    }
    EXPECT_GE(served["cr"], 30) << "an uninformed bandit serves both";
    EXPECT_GE(served["cr-b"], 30);

    // The posteriors are republished every few seconds: serve batches until
    // one goes (almost) all to cr-b, within a bounded number of batches.
    int best_share = 0;
    for (int batch = 0; batch < 60 && best_share < 95; ++batch) {
        // Bids in flight hold lease money until they expire: a no-bid here
        // is the budget gate, not creative selection. Share of those answered.
        int b = 0, answered = 0;
        for (int n = 0; n < 100; ++n) {
            const Served s = bid(http, 1000 + batch * 100 + n, false);
            answered += !s.bid_id.empty();
            b += s.creative == "cr-b";
        }
        if (answered >= 50) best_share = std::max(best_share, 100 * b / answered);
        if (best_share < 95) usleep(100'000);
    }
    EXPECT_GE(best_share, 95) << "% of a batch's bids; served cr " << served["cr"] << ", cr-b " << served["cr-b"];

    // /v1/stats: both creatives with the impressions and clicks they had.
    const std::string stats = http.request("GET", "/v1/stats").body;
    simdjson::dom::parser p;
    simdjson::dom::array creatives;
    ASSERT_EQ(p.parse(stats)["line_items"].at(0)["creatives"].get_array().get(creatives), simdjson::SUCCESS) << stats;
    std::map<std::string, std::pair<double, double>> counts;
    for (simdjson::dom::element cr : creatives) {
        counts[std::string(cr["id"].get_string().value())] = {cr["impressions"].get_double().value(),
                                                             cr["clicks"].get_double().value()};
        EXPECT_EQ(std::string_view(cr["state"].get_string().value()), "ok");
    }
    EXPECT_EQ(counts["cr"], std::make_pair(double(served["cr"]), 0.0)) << stats;
    EXPECT_EQ(counts["cr-b"], std::make_pair(double(served["cr-b"]), double(clicked["cr-b"]))) << stats;
}

}  // namespace
}  // namespace bidline
