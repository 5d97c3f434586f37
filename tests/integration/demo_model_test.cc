// The demo as a user starts it: `bidline serve` with no --config bids with
// the click model built into the binary. The bundle lands in
// DATA_DIR/demo-models/click/ byte for byte as config/demo/models/click/,
// becomes the active click version, and prices the open 300x250 line item
// at cpc x pCTR x 1000 with the pCTR /v1/predict reports. A restart on the
// same data directory neither rewrites the files nor adds a version; a
// --config run installs nothing.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "bidline/config/config.h"
#include "bidline/models/feature_builder.h"
#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;
using test::EngineProcess;
using test::HttpClient;

constexpr const char* kBundleFiles[] = {"model.json", "schema.json", "metrics.json", "reference.json"};
constexpr std::string_view kLineItem = "li-acme-mrec-open";

// A second-price 300x250 banner from a desktop without a user id: no
// shading, and the recency feature is "unknown" in the bid path as in
// /v1/predict.
std::string banner_request(std::string_view domain) {
    return R"({"id":"demo-model","at":2,"imp":[{"id":"1","bidfloor":0.01,"banner":{"w":300,"h":250}}],"site":{"domain":")" +
           std::string(domain) +
           R"("},"device":{"ua":"Mozilla/5.0 (Windows NT 10.0) Chrome/120","devicetype":2,"os":"Windows","geo":{"country":"USA"}}})";
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ino_t inode_of(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

class DemoModel : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = fs::temp_directory_path() / ("bidline_demo_model_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(data_);
    }
    void TearDown() override { fs::remove_all(data_); }

    EngineProcess serve_demo() { return EngineProcess({"serve", "--shards", "1", "--data-dir", data_.string()}); }
    fs::path installed() const { return data_ / "demo-models" / "click"; }

    // {active click version, number of click versions} from GET /v1/models.
    static std::pair<std::uint64_t, std::size_t> click_versions(HttpClient& http) {
        const auto r = http.request("GET", "/v1/models");
        EXPECT_EQ(r.status, 200) << r.body;
        simdjson::dom::parser p;
        simdjson::dom::element click;
        if (p.parse(r.body)["roles"]["click"].get(click) != simdjson::SUCCESS) {
            ADD_FAILURE() << "no click role: " << r.body;
            return {0, 0};
        }
        std::uint64_t active = 0;
        EXPECT_EQ(click["active"].get_uint64().get(active), simdjson::SUCCESS) << "no active click version: " << r.body;
        simdjson::dom::array versions;
        EXPECT_EQ(click["versions"].get_array().get(versions), simdjson::SUCCESS) << r.body;
        return {active, versions.size()};
    }

    fs::path data_;
};

TEST_F(DemoModel, ServeWithoutConfigBidsWithTheEmbeddedClickModel) {
    EngineProcess engine = serve_demo();
    HttpClient http(engine.host(), engine.port());

    // The bundle is installed exactly as committed and is the active version.
    for (const char* f : kBundleFiles)
        EXPECT_EQ(read_file(installed() / f), read_file(fs::path(BIDLINE_SOURCE_DIR) / "config/demo/models/click" / f))
            << f;
    EXPECT_EQ(click_versions(http), (std::pair<std::uint64_t, std::size_t>{1, 1}));

    const Config demo = load_demo_config();
    const LineItem* li = nullptr;
    for (const LineItem& l : demo.campaigns.line_items)
        if (l.id.value == kLineItem) li = &l;
    ASSERT_NE(li, nullptr);
    ASSERT_EQ(li->bid.strategy, BidStrategy::manual_cpc);

    // The pCTR of a site whose price stays below max_cpm (the hour of the
    // week is a feature, so which one depends on when the test runs).
    std::string request;
    double pctr = 0;
    for (std::string_view site :
         {"weather.example.com", "news.example.com", "games.example.com", "recipes.example.org"}) {
        request = banner_request(site);
        const auto predicted = http.request("POST", "/v1/predict?line_item=" + std::string(kLineItem), request);
        ASSERT_EQ(predicted.status, 200) << predicted.body;
        simdjson::dom::parser pp;
        const simdjson::dom::element prediction = pp.parse(predicted.body);
        ASSERT_EQ(prediction["imps"].at(0)["line_items"].at(0)["pctr"].get_double().get(pctr), simdjson::SUCCESS)
            << "the line item was not scored by a model: " << predicted.body;
        EXPECT_EQ(prediction["model_versions"]["click"].get_uint64().value(), 1u) << predicted.body;
        if (li->bid.cpc.units() * pctr * 1000.0 < 0.9 * li->bid.max_cpm.as_cpm()) break;
    }
    EXPECT_GT(pctr, 0.0);
    EXPECT_LT(pctr, 0.5);
    EXPECT_NE(pctr, models::kPriorCtr);
    // The line item's price is cpc x pCTR per click, per thousand.
    const double expected = li->bid.cpc.units() * pctr * 1000.0;
    ASSERT_LT(expected, li->bid.max_cpm.as_cpm()) << "every site hits max_cpm: the test would show nothing";

    test::HttpResponse bid;
    for (int attempt = 0; attempt < 100; ++attempt) {  // the first control tick grants the budget lease
        bid = http.post_bid(request);
        if (bid.status != 204) break;
        usleep(20'000);
    }
    ASSERT_EQ(bid.status, 200) << bid.body << "\n" << engine.describe();
    simdjson::dom::parser bp;
    const simdjson::dom::element placed = bp.parse(bid.body)["seatbid"].at(0)["bid"].at(0);
    EXPECT_EQ(std::string_view(placed["crid"]), "cr-acme-mrec-1") << bid.body;
    const double price = placed["price"].get_double().value();
    EXPECT_NEAR(price, expected, 2e-5) << bid.body;  // /v1/predict prints pCTR to 6 significant digits
    EXPECT_GT(std::abs(price - li->bid.cpm.as_cpm()), 1e-4) << "the fallback CPM, not the model's price: " << bid.body;

    // /v1/stats counts the rows the click model scored on the bid path.
    std::string stats;
    for (int attempt = 0; attempt < 200; ++attempt) {
        stats = http.request("GET", "/v1/stats").body;
        simdjson::dom::parser sp;
        simdjson::dom::array versions;
        if (sp.parse(stats)["models"]["versions"].get_array().get(versions) == simdjson::SUCCESS)
            for (simdjson::dom::element v : versions) {
                std::uint64_t rows = 0, bids = 0;
                if (v["rows"].get_uint64().get(rows) == simdjson::SUCCESS &&
                    v["bids"].get_uint64().get(bids) == simdjson::SUCCESS && rows > 0 && bids > 0)
                    return;
            }
        usleep(20'000);
    }
    ADD_FAILURE() << "/v1/stats never showed rows scored and bids by the click model: " << stats;
}

TEST_F(DemoModel, ARestartKeepsTheFilesAndTheVersion) {
    {
        EngineProcess engine = serve_demo();
        HttpClient http(engine.host(), engine.port());
        EXPECT_EQ(click_versions(http), (std::pair<std::uint64_t, std::size_t>{1, 1}));
        ASSERT_TRUE(engine.stop().has_value());
    }
    const ino_t schema_inode = inode_of(installed() / "schema.json");
    ASSERT_NE(schema_inode, 0u);
    // A damaged file is put back from the binary; an intact one is not rewritten.
    std::ofstream(installed() / "model.json", std::ios::trunc) << "{}";

    EngineProcess engine = serve_demo();
    HttpClient http(engine.host(), engine.port());
    EXPECT_EQ(click_versions(http), (std::pair<std::uint64_t, std::size_t>{1, 1}));
    EXPECT_EQ(inode_of(installed() / "schema.json"), schema_inode);
    EXPECT_EQ(read_file(installed() / "model.json"),
              read_file(fs::path(BIDLINE_SOURCE_DIR) / "config/demo/models/click/model.json"));
}

TEST_F(DemoModel, AConfigFileRunInstallsNoDemoModel) {
    EngineProcess engine({"serve", "--config", test::write_mini_config("demo_model_none.toml", {}).string(),
                          "--data-dir", data_.string()});
    HttpClient http(engine.host(), engine.port());
    EXPECT_FALSE(fs::exists(data_ / "demo-models"));
    const auto r = http.request("GET", "/v1/models");
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser p;
    EXPECT_TRUE(p.parse(r.body)["roles"]["click"]["active"].is_null()) << r.body;
}

}  // namespace
}  // namespace bidline
