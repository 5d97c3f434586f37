// Attribution from the engine's own touchpoints: the real engine bids for
// five users on three campaigns' sites (requests logged in full), wins and
// clicks arrive as notices, conversions as events naming the user or the
// bid; after the engine stops, `bidline attribute --log DATA/events` builds
// the users' paths from that log and credits the campaigns. The paths are
// known by construction, so every model must equal the library's answer on
// the hand-written path set, and the heuristics the hand-computed figures.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <string>

#include "bidline/models/attribution/attribution_models.h"
#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/http_client.h"

namespace bidline {
namespace {

using test::EngineProcess;
using test::HttpClient;

std::string config_text() {
    std::string text = "[engine]\nshards = 1\ncontrol_tick_ms = 50\n[[advertiser]]\nid = \"adv\"\n";
    for (const char* name : {"search", "social", "display"}) {
        const std::string n = name;
        text += "[[campaign]]\nid = \"" + n + "\"\nadvertiser = \"adv\"\ndaily_budget = 1000000\n"
                "start = 2024-01-01\nend = 2035-12-31\npacing = \"asap\"\n"
                "[[line_item]]\nid = \"li-" + n + "\"\ncampaign = \"" + n + "\"\n"
                "[line_item.bid]\nstrategy = \"manual_cpm\"\ncpm = 1.0\n"
                "[line_item.targeting]\ndomains_allow = [\"" + n + ".example\"]\n"
                "[[line_item.creative]]\nid = \"cr-" + n + "\"\nformat = \"banner\"\nw = 300\nh = 250\nmarkup = \"<div>ad</div>\"\n";
    }
    return text;
}

class Journeys {
public:
    explicit Journeys(HttpClient& http) : http_(http) {}

    // A bid for `user` on the campaign's site, won (a served impression); returns the bid id.
    std::string impression(const std::string& user, const std::string& campaign) {
        const std::string body = R"({"id":"r)" + std::to_string(++requests_) +
                                 R"(","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":")" + campaign +
                                 R"(.example"},"user":{"id":")" + user + R"("}})";
        const auto r = http_.post_bid(body);
        EXPECT_EQ(r.status, 200) << r.body;
        simdjson::dom::parser p;
        const std::string bid(p.parse(r.body)["seatbid"].at(0)["bid"].at(0)["id"].get_string().value());
        EXPECT_EQ(http_.request("GET", "/v1/notice/win?bid=" + bid + "&li=li-" + campaign + "&price=0.5").status, 200);
        return bid;
    }
    void click(const std::string& bid, const std::string& campaign) {
        EXPECT_EQ(http_.request("GET", "/v1/notice/click?bid=" + bid + "&li=li-" + campaign).status, 200);
    }
    // A conversion naming the user, or (user empty) the bid.
    void conversion(const std::string& user, const std::string& bid, double value) {
        const std::string who = user.empty() ? R"("bid_id":")" + bid + "\"" : R"("user_id":")" + user + "\"";
        const std::string line = R"({"type":"conversion","event_id":"conv-)" + std::to_string(++events_) + R"(",)" + who +
                                 R"(,"value":)" + std::to_string(value) + R"(,"ts":1795400000000})";
        const auto r = http_.request("POST", "/v1/events", line + "\n");
        EXPECT_EQ(r.status, 200) << r.body;
    }

private:
    HttpClient& http_;
    int requests_ = 0, events_ = 0;
};

using attribution::ConversionPath;

// What the journeys below make: the hand-written path set.
std::vector<ConversionPath> expected_paths() {
    return {{{"display", "display"}, 1, 10, 0, {}},
            {{"display", "social", "search"}, 1, 30, 0, {}},
            {{"search"}, 1, 10, 1, {}},
            {{"social"}, 0, 0, 1, {}},
            {{"social", "search"}, 1, 20, 0, {}}};
}

std::map<std::string, double> credit(simdjson::dom::element report, const std::string& model) {
    // Arrays by name: value() of a temporary result would dangle in a range-for.
    std::map<std::string, double> out;
    const simdjson::dom::array models = report["models"].get_array().value();
    for (simdjson::dom::element m : models) {
        if (std::string_view(m["model"].get_string().value()) != model) continue;
        const simdjson::dom::array channels = m["channels"].get_array().value();
        for (simdjson::dom::element c : channels)
            out[std::string(c["channel"].get_string().value())] = c["conversions"].get_double().value();
    }
    return out;
}

TEST(AttributionFromLog, PathsFromTheEnginesOwnTouchpointsUnderEveryModel) {
    const auto config = std::filesystem::path(testing::TempDir()) / "attribution_log.toml";
    std::ofstream(config) << config_text();
    EngineProcess engine({"serve", "--config", config.string(), "--log-requests", "full"});
    {
        HttpClient http(engine.host(), engine.port());
        Journeys j(http);
        j.impression("u1", "display");
        j.impression("u1", "social");
        j.impression("u1", "search");
        j.conversion("u1", "", 30);
        j.impression("u2", "social");
        const std::string u2_search = j.impression("u2", "search");
        j.conversion("", u2_search, 20);  // named by its bid: the logged request says whose
        const std::string u3 = j.impression("u3", "display");
        j.click(u3, "display");  // a click is a touch of its own
        j.conversion("u3", "", 10);
        j.impression("u4", "social");  // never converts: a null path
        j.impression("u5", "search");
        j.conversion("u5", "", 10);
        j.impression("u5", "search");  // after the conversion: a null path
        j.conversion("u9", "", 99);    // nobody we touched
    }
    ASSERT_TRUE(engine.stop().has_value());  // the request log is flushed at exit

    const std::string out = (std::filesystem::path(testing::TempDir()) / "attribution_log.json").string();
    const auto run = test::run_bidline({"attribute", "--log", (engine.data_dir() / "events").string(), "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("5 distinct paths, 10 touches, 4 conversions (1 without touches)"), std::string::npos) << run.out;
    simdjson::dom::parser p;
    simdjson::dom::element report;
    ASSERT_EQ(p.load(out).get(report), simdjson::SUCCESS);

    // Hand-computed: first touch, last touch and linear.
    using Credit = std::map<std::string, double>;
    EXPECT_EQ(credit(report, "first_touch"), (Credit{{"display", 2}, {"search", 1}, {"social", 1}}));
    EXPECT_EQ(credit(report, "last_touch"), (Credit{{"display", 1}, {"search", 3}, {"social", 0}}));
    const Credit linear = credit(report, "linear");
    EXPECT_NEAR(linear.at("display"), 1 + 1.0 / 3, 1e-5);
    EXPECT_NEAR(linear.at("social"), 1.0 / 3 + 0.5, 1e-5);
    EXPECT_NEAR(linear.at("search"), 1 + 1.0 / 3 + 0.5, 1e-5);

    // Every model equals the library on the hand-written paths (6 significant digits printed).
    const auto paths = expected_paths();
    std::vector<attribution::Attribution> want;
    using attribution::HeuristicRule;
    for (auto rule : {HeuristicRule::first_touch, HeuristicRule::last_touch, HeuristicRule::linear,
                      HeuristicRule::time_decay, HeuristicRule::position_based})
        want.push_back(attribution::heuristic_attribution(paths, rule));
    for (int order = 1; order <= 3; ++order)
        for (auto nulls : {attribution::NullPaths::include, attribution::NullPaths::exclude})
            want.push_back(attribution::markov_attribution(paths, order, nulls));
    want.push_back(attribution::shapley_attribution(paths));
    want.push_back(attribution::ordered_shapley_attribution(paths));
    ASSERT_EQ(report["models"].get_array().size(), want.size());
    for (const auto& w : want) {
        SCOPED_TRACE(w.model);
        const Credit got = credit(report, w.model);
        ASSERT_EQ(got.size(), w.channels.size());
        for (const auto& c : w.channels) EXPECT_NEAR(got.at(c.channel), c.conversions, 1e-5 * std::max(1.0, c.conversions));
    }
}

TEST(AttributionFromLog, BadArgumentsAreRefused) {
    auto run = test::run_bidline({"attribute", "--log", "/nonexistent/events"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("no such file or directory"), std::string::npos) << run.err;
    run = test::run_bidline({"attribute", "--log", "/tmp", "--paths", "p.csv"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("either --paths FILE or --log"), std::string::npos) << run.err;
    run = test::run_bidline({"attribute", "--log", "/tmp", "--channel", "site"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("--channel: expected campaign or line_item"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace bidline
