// Models as a campaign manager and an analyst use them through the real
// engine: `bidline train` bundles named in [models], bids priced from the
// click model's predictions, /v1/predict, the registry's versions (add,
// activate, rollback — durable across a restart), shadow and A/B
// candidates with per-version stats, and the conservative fallback when
// the model is stale.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;
using test::EngineProcess;
using test::HttpClient;
using test::run_bidline;

const std::string kRequest =
    R"({"id":"REQ","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"news.example.com"},)"
    R"("device":{"ua":"Mozilla/5.0 (Windows NT 10.0) Chrome/120","geo":{"country":"USA"}},"user":{"id":"USER"}})";

std::string request_for(int n) {
    std::string r = std::regex_replace(kRequest, std::regex("REQ"), "r" + std::to_string(n));
    return std::regex_replace(r, std::regex("USER"), "u" + std::to_string(n));
}

class ModelRegistryHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("bidline_models_http_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        const auto gen = run_bidline({"gen", "--hours", "24", "--requests", "20000", "--seed", "5", "--out",
                                      (dir_ / "day.ndjson").string()});
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        // Two versions that predict differently: different depths and rounds.
        for (const auto& [name, rounds, depth] : {std::tuple{"a", "20", "3"}, std::tuple{"b", "60", "5"}}) {
            const auto train = run_bidline({"train", "--log", (dir_ / "day.ndjson").string(), "--target", "click",
                                            "--rounds", rounds, "--depth", depth, "--out", (dir_ / name).string()});
            ASSERT_EQ(train.exit_code, 0) << train.err;
        }
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    // A max_clicks line item ($1 CPM fallback) with a big budget, model A configured.
    static fs::path config(std::string_view name, std::string models_extra = {}) {
        test::MiniConfig c;
        c.engine = "shards = 1\ncontrol_tick_ms = 50\n[models]\nclick = \"" + (dir_ / "a").string() + "\"\n" + models_extra;
        c.daily_budget = 1'000'000;
        c.strategy = "max_clicks";
        c.cpm = 1.0;
        return test::write_mini_config(name, c);
    }

    static simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
        simdjson::dom::element e;
        EXPECT_EQ(p.parse(body).get(e), simdjson::SUCCESS) << body;
        return e;
    }

    // pCTR that /v1/predict reports for request n, and the click version used.
    static std::pair<double, std::uint64_t> predict(HttpClient& http, int n) {
        const auto r = http.request("POST", "/v1/predict", request_for(n));
        EXPECT_EQ(r.status, 200) << r.body;
        simdjson::dom::parser p;
        const auto e = parse(p, r.body);
        return {e["imps"].at(0)["line_items"].at(0)["pctr"].get_double().value(),
                e["model_versions"]["click"].get_uint64().value()};
    }

    // The "models" object of /v1/stats (the body stays in stats_body_ for messages).
    static simdjson::dom::object stats_models(simdjson::dom::parser& p, HttpClient& http) {
        stats_body_ = http.request("GET", "/v1/stats").body;
        simdjson::dom::object models;
        EXPECT_EQ(p.parse(stats_body_)["models"].get_object().get(models), simdjson::SUCCESS) << stats_body_;
        return models;
    }

    // Waits (bounded) until the control loop has published stats covering
    // at least `rows_at_least` scored rows of `version`: {rows, bids}.
    static std::pair<std::uint64_t, std::uint64_t> version_rows_bids(HttpClient& http, std::uint64_t version,
                                                                      std::uint64_t rows_at_least) {
        for (int attempt = 0; attempt < 200; ++attempt) {
            simdjson::dom::parser p;
            simdjson::dom::array versions;
            if (stats_models(p, http)["versions"].get_array().get(versions) == simdjson::SUCCESS) {
                for (simdjson::dom::element v : versions) {
                    std::uint64_t number = 0, rows = 0, bids = 0;
                    if (v["version"].get_uint64().get(number) != simdjson::SUCCESS || number != version) continue;
                    if (v["rows"].get_uint64().get(rows) == simdjson::SUCCESS &&
                        v["bids"].get_uint64().get(bids) == simdjson::SUCCESS && rows >= rows_at_least)
                        return {rows, bids};
                }
            }
            usleep(20'000);  // the control tick publishes every 50 ms
        }
        return {0, 0};
    }

    static inline fs::path dir_;
    static inline std::string stats_body_;
};

TEST_F(ModelRegistryHttp, BidsArePricedFromTheClickModelAndPredictExplainsThem) {
    EngineProcess engine({"serve", "--config", config("models_price.toml").string()});
    HttpClient http(engine.host(), engine.port());
    const auto [pctr, version] = predict(http, 1);
    EXPECT_EQ(version, 1u);
    ASSERT_GT(pctr, 0.0);
    ASSERT_LT(pctr, 1.0);

    // max_clicks values a click at $1: bid = multiplier × pCTR × 1000 CPM,
    // never the $1 fallback CPM.
    const auto bid = http.post_bid(request_for(1));
    ASSERT_EQ(bid.status, 200) << bid.body;
    simdjson::dom::parser p;
    const double price = parse(p, bid.body)["seatbid"].at(0)["bid"].at(0)["price"].get_double().value();
    simdjson::dom::parser sp;
    const auto stats = parse(sp, http.request("GET", "/v1/stats").body);
    const double multiplier = stats["line_items"].at(0)["multiplier"].get_double().value();
    EXPECT_NEAR(price, multiplier * pctr * 1000.0, 1e-3 * price) << bid.body;

    // The interval comes from the held-out calibration table.
    simdjson::dom::parser pp;
    const auto pred = parse(pp, http.request("POST", "/v1/predict?line_item=li", request_for(2)).body);
    const auto interval = pred["imps"].at(0)["line_items"].at(0)["pctr_interval"];
    EXPECT_LE(interval["low"].get_double().value(), interval["observed"].get_double().value());
    EXPECT_GE(interval["high"].get_double().value(), interval["observed"].get_double().value());
    EXPECT_GT(pred["inference_us"].get_double().value(), 0.0);

    const auto [rows, bids] = version_rows_bids(http, 1, 1);
    EXPECT_GE(rows, 1u);
    EXPECT_EQ(bids, 1u);
    const std::string metrics = http.request("GET", "/metrics").body;
    EXPECT_NE(metrics.find("bidline_model_version{role=\"click\",version=\"1\"} 1"), std::string::npos) << metrics;
}

TEST_F(ModelRegistryHttp, VersionsActivateRollBackAndSurviveARestart) {
    const fs::path cfg = config("models_versions.toml");
    const fs::path data = dir_ / "versions-data";
    double pctr_a = 0, pctr_b = 0;
    {
        EngineProcess engine({"serve", "--config", cfg.string(), "--data-dir", data.string()});
        HttpClient http(engine.host(), engine.port());
        pctr_a = predict(http, 7).first;
        const auto add = http.request("POST", "/v1/models/click/versions", R"({"path":")" + (dir_ / "b").string() + R"("})");
        ASSERT_EQ(add.status, 201) << add.body;
        EXPECT_NE(add.body.find("\"version\":2"), std::string::npos) << add.body;
        // The same bundle again is the same version, not a third.
        EXPECT_NE(http.request("POST", "/v1/models/click/versions", R"({"path":")" + (dir_ / "b").string() + R"("})")
                      .body.find("\"version\":2"),
                  std::string::npos);
        ASSERT_EQ(http.request("POST", "/v1/models/click/activate", R"({"version":2})").status, 200);
        const auto [p, v] = predict(http, 7);
        pctr_b = p;
        EXPECT_EQ(v, 2u);
        EXPECT_NE(pctr_a, pctr_b);
        const auto back = http.request("POST", "/v1/models/click/rollback");
        ASSERT_EQ(back.status, 200) << back.body;
        EXPECT_EQ(predict(http, 7), std::make_pair(pctr_a, std::uint64_t{1}));
        ASSERT_EQ(http.request("POST", "/v1/models/click/activate", R"({"version":2})").status, 200);
        ASSERT_TRUE(engine.stop().has_value());
    }
    // Restart on the same data: version 2 stays active (the configured
    // bundle A is already version 1, so the registry's choice stands).
    EngineProcess engine({"serve", "--config", cfg.string(), "--data-dir", data.string()});
    HttpClient http(engine.host(), engine.port());
    EXPECT_EQ(predict(http, 7), std::make_pair(pctr_b, std::uint64_t{2}));
    simdjson::dom::parser p;
    const auto models = parse(p, http.request("GET", "/v1/models").body);
    EXPECT_EQ(models["roles"]["click"]["active"].get_uint64().value(), 2u);
    EXPECT_EQ(models["roles"]["click"]["versions"].get_array().value().size(), 2u);
}

TEST_F(ModelRegistryHttp, ShadowScoresWithoutBiddingAndAbBidsOnItsShare) {
    EngineProcess engine({"serve", "--config", config("models_shadow.toml").string()});
    HttpClient http(engine.host(), engine.port());
    ASSERT_EQ(http.request("POST", "/v1/models/click/versions", R"({"path":")" + (dir_ / "b").string() + R"("})").status, 201);
    ASSERT_EQ(http.request("POST", "/v1/models/click/candidate", R"({"version":2,"mode":"shadow","share":1.0})").status, 200);
    int answered = 0;
    for (int i = 0; i < 50; ++i) answered += http.post_bid(request_for(i)).status == 200;
    ASSERT_EQ(answered, 50);
    const auto [rows_a, bids_a] = version_rows_bids(http, 1, 50);
    const auto [rows_b, bids_b] = version_rows_bids(http, 2, 50);
    EXPECT_EQ(rows_a, 50u);
    EXPECT_EQ(bids_a, 50u);
    EXPECT_EQ(rows_b, 50u);  // every request scored by the shadow too...
    EXPECT_EQ(bids_b, 0u);   // ...and none bid with it

    // A/B on half the users: both versions bid, split by a stable hash of the user.
    ASSERT_EQ(http.request("POST", "/v1/models/click/candidate",
                           R"({"version":2,"mode":"ab","share":0.5,"experiment":"ctr-v2"})").status, 200);
    for (int i = 0; i < 200; ++i) ASSERT_EQ(http.post_bid(request_for(1000 + i)).status, 200);
    // The two versions' stats are published by the same tick but read one
    // after the other, so wait until the pair covers all 250 bids.
    std::uint64_t bids_a2 = 0, bids_b2 = 0;
    for (int attempt = 0; attempt < 200 && bids_a2 + bids_b2 < 250; ++attempt) {
        bids_a2 = version_rows_bids(http, 1, 50).second;
        bids_b2 = version_rows_bids(http, 2, 50).second;
        if (bids_a2 + bids_b2 < 250) usleep(20'000);
    }
    EXPECT_EQ(bids_a2 + bids_b2, 250u) << stats_body_;
    EXPECT_GT(bids_b2, 60u);   // 100 expected; a fair split lands far from both bounds
    EXPECT_GT(bids_a2, 50u + 60u);
    // Promote ends the test with the candidate active.
    ASSERT_EQ(http.request("POST", "/v1/models/click/promote").status, 200);
    EXPECT_EQ(predict(http, 3).second, 2u);
}

TEST_F(ModelRegistryHttp, AStaleModelFallsBackToTheConservativeBid) {
    // A copy of model A trained, by its metrics, three days ago.
    const fs::path old = dir_ / "old";
    fs::create_directories(old);
    for (const char* f : {"model.json", "schema.json", "reference.json"}) fs::copy_file(dir_ / "a" / f, old / f, fs::copy_options::overwrite_existing);
    const auto three_days_ago = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(72)).count();
    std::ofstream(old / "metrics.json") << "{\"trained_at_us\": " << three_days_ago << "}\n";
    test::MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n[models]\nclick = \"" + old.string() + "\"\nmax_age_hours = 48\n";
    c.daily_budget = 1'000'000;
    c.strategy = "max_clicks";
    c.cpm = 1.0;
    EngineProcess engine({"serve", "--config", test::write_mini_config("models_stale.toml", c).string()});
    HttpClient http(engine.host(), engine.port());
    const auto bid = http.post_bid(request_for(1));
    ASSERT_EQ(bid.status, 200) << bid.body;
    simdjson::dom::parser p;
    const double price = parse(p, bid.body)["seatbid"].at(0)["bid"].at(0)["price"].get_double().value();
    simdjson::dom::parser sp;
    const auto stats = parse(sp, http.request("GET", "/v1/stats").body);
    EXPECT_NEAR(price, stats["line_items"].at(0)["multiplier"].get_double().value() * 1.0, 1e-6);  // the $1 CPM fallback
    for (int attempt = 0; attempt < 200; ++attempt) {
        simdjson::dom::parser mp;
        std::uint64_t stale = 0;
        if (stats_models(mp, http)["candidates_stale"].get_uint64().get(stale) == simdjson::SUCCESS && stale >= 1) return;
        usleep(20'000);
    }
    ADD_FAILURE() << "candidates_stale never counted the fallback: " << stats_body_;
}

TEST_F(ModelRegistryHttp, BadChangesGetClearErrors) {
    EngineProcess engine({"serve", "--config", config("models_errors.toml").string()});
    HttpClient http(engine.host(), engine.port());
    const auto missing = http.request("POST", "/v1/models/click/versions", R"({"path":"/nonexistent/bundle"})");
    EXPECT_EQ(missing.status, 400);
    EXPECT_NE(missing.body.find("schema.json"), std::string::npos) << missing.body;
    EXPECT_EQ(http.request("POST", "/v1/models/click/activate", R"({"version":9})").status, 404);
    EXPECT_EQ(http.request("POST", "/v1/models/click/rollback").status, 409);
    EXPECT_EQ(http.request("POST", "/v1/models/ctr/activate", R"({"version":1})").status, 404);
    EXPECT_EQ(http.request("POST", "/v1/models/click/activate", "not json").status, 400);
    EXPECT_EQ(http.request("POST", "/v1/models/click/candidate", R"({"version":1,"mode":"shadow","share":0.5})").status, 409);
    EXPECT_EQ(http.request("POST", "/v1/predict", "{").status, 400);
    EXPECT_EQ(http.request("POST", "/v1/predict?line_item=nope", request_for(1)).status, 404);
    EXPECT_EQ(http.request("GET", "/v1/predict").status, 405);
    // Nothing changed: version 1 still bids.
    EXPECT_EQ(predict(http, 1).second, 1u);
}

}  // namespace
}  // namespace bidline
