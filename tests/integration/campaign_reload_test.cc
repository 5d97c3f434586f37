// Reloading campaigns with SIGHUP, as a campaign manager does it: edit the
// TOML, `kill -HUP`, and the running engine bids the new price — no
// restart, no dropped request, the line item's counts carried over. A file
// that does not validate changes nothing and the log says why.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline {
namespace {

using test::EngineProcess;
using test::HttpClient;

const std::string kRequest =
    R"({"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"news.example.com"}})";

double price(HttpClient& http) {
    const auto r = http.post_bid(kRequest);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return 0;
    simdjson::dom::parser p;
    return p.parse(r.body)["seatbid"].at(0)["bid"].at(0)["price"].get_double().value();
}

std::pair<std::uint64_t, std::uint64_t> catalog_version_and_bids(HttpClient& http) {
    simdjson::dom::parser p;
    const auto stats = p.parse(http.request("GET", "/v1/stats").body);
    return {stats["engine"]["catalog_version"].get_uint64().value(), stats["line_items"].at(0)["bids"].get_uint64().value()};
}

// Polls (bounded) until `done` holds.
template <class F>
bool eventually(F done) {
    for (int i = 0; i < 200; ++i) {
        if (done()) return true;
        usleep(25'000);
    }
    return false;
}

TEST(CampaignReload, HupAppliesTheEditedFileAndABadFileChangesNothing) {
    test::MiniConfig c;
    c.engine = "shards = 2\ncontrol_tick_ms = 50\n";
    c.daily_budget = 1'000'000;
    c.cpm = 1.0;
    const auto path = test::write_mini_config("reload.toml", c);
    EngineProcess engine({"serve", "--config", path.string()});
    HttpClient http(engine.host(), engine.port());
    EXPECT_DOUBLE_EQ(price(http), 1.0);  // manual_cpm bids its CPM
    // Named copies: a lambda may not capture a structured binding in C++20 (clang 14 rejects it).
    const auto counts = catalog_version_and_bids(http);
    const std::uint64_t version = counts.first, bids = counts.second;

    c.cpm = 2.5;
    test::write_mini_config("reload.toml", c);
    engine.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return price(http) == 2.5; })) << engine.describe();
    EXPECT_TRUE(eventually([&] { return catalog_version_and_bids(http).first > version; }));
    EXPECT_GT(catalog_version_and_bids(http).second, bids) << "the line item's counts carry over";
    EXPECT_NE(engine.captured_stderr().find("configuration reloaded from"), std::string::npos);

    // A negative CPM does not validate: the running catalog stays.
    c.cpm = -1.0;
    test::write_mini_config("reload.toml", c);
    const auto [version_before_bad, unused] = catalog_version_and_bids(http);
    (void)unused;
    engine.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return engine.captured_stderr().find("configuration not reloaded") != std::string::npos; }))
        << engine.describe();
    EXPECT_NE(engine.captured_stderr().find("reload.toml:"), std::string::npos) << "names the file and line";
    EXPECT_EQ(price(http), 2.5);
    EXPECT_EQ(catalog_version_and_bids(http).first, version_before_bad);
    EXPECT_TRUE(engine.running());
}

}  // namespace
}  // namespace bidline
