// `bidline activate` as an operator runs it: a real engine with a
// Meta-managed campaign publishes its initial budget and bid at
// /v1/adjustments; the connector, with the Meta token sealed by `bidline
// credentials`, sends them to a receiver on loopback playing the Graph API
// in Meta's documented shape; a second run sends nothing again (its cursor);
// the token never appears in what the connector prints; an unreachable
// engine or a missing credential is a clear error.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/platform_receiver.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

constexpr const char* kToken = "EAAGm0PX4ZCpsBAMetaSecretToken1234";

// "social" runs on Meta (ad set 23850000000001), $240 a day, target CPA $20.
std::filesystem::path meta_config(const std::filesystem::path& dir) {
    const auto path = dir / "meta.toml";
    std::ofstream(path) << R"([engine]
shards = 1
control_tick_ms = 50

[[advertiser]]
id = "adv"
timezone = "UTC"

[[campaign]]
id = "social"
advertiser = "adv"
daily_budget = 240.0
start = 2024-01-01
end = 2030-12-31
managed_by = "meta"
platform_ids = { meta = "23850000000001" }

[[line_item]]
id = "social-li"
campaign = "social"
[line_item.bid]
strategy = "target_cpa"
target_cpa = 20.0
[[line_item.creative]]
id = "cr"
format = "banner"
w = 300
h = 250
markup = "<div>ad</div>"
)";
    return path;
}

class ActivationConnector : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = dir_.path() / "credentials.key";
        store_ = dir_.path() / "credentials.sealed";
        ASSERT_EQ(run_bidline({"credentials", "keygen", "--out", key_.string()}).exit_code, 0);
        const CliRun set = run_bidline({"credentials", "set", "--store", store_.string(), "--name", "meta-prod",
                                        "--credentials-key-file", key_.string()},
                                       CliInput{std::string(kToken) + "\n", {}});
        ASSERT_EQ(set.exit_code, 0) << set.err;
    }

    CliRun activate(std::uint16_t engine_port, std::uint16_t api_port, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"activate", "--once", "--platform", "meta",
                                         "--engine", "127.0.0.1:" + std::to_string(engine_port),
                                         "--api", "127.0.0.1:" + std::to_string(api_port) + "/graph",
                                         "--credentials", store_.string(), "--credentials-key-file", key_.string(),
                                         "--credential", "meta-prod", "--cursor", (dir_.path() / "cursor").string(),
                                         "--first-backoff-ms", "10"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_bidline(args);
    }

    // Waits until the engine has published the campaign's initial budget and bid.
    static bool initial_adjustments_out(EngineProcess& engine) {
        HttpClient c(engine.host(), engine.port());
        return eventually([&] {
            const std::string body = c.request("GET", "/v1/adjustments?platform=meta").body;
            return body.find("\"daily_budget\"") != std::string::npos && body.find("\"target_cpa\"") != std::string::npos;
        });
    }

    ScratchDir dir_{"bidline-activate"};
    std::filesystem::path key_, store_;
};

TEST_F(ActivationConnector, SendsTheEnginesAdjustmentsToMetaInItsShapeOnce) {
    EngineProcess engine({"serve", "--config", meta_config(dir_.path()).string(), "--adjustment-interval-ms", "100"});
    ASSERT_TRUE(initial_adjustments_out(engine)) << engine.describe();
    PlatformReceiver graph({http_answer(200, {}, R"({"success":true})")});

    const CliRun first = activate(engine.port(), graph.port());
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const auto got = graph.received();
    ASSERT_EQ(got.size(), 2u) << first.out;
    std::vector<std::string> bodies;
    for (const Received& r : got) {
        EXPECT_EQ(r.head.rfind("POST /graph/v19.0/23850000000001 HTTP/1.1", 0), 0u) << r.head;
        EXPECT_NE(r.head.find(std::string("Authorization: Bearer ") + kToken), std::string::npos) << r.head;
        EXPECT_NE(r.head.find("application/x-www-form-urlencoded"), std::string::npos) << r.head;
        bodies.push_back(r.body);
    }
    std::sort(bodies.begin(), bodies.end());
    EXPECT_EQ(bodies, (std::vector<std::string>{"bid_amount=2000", "daily_budget=24000"}));  // cents

    // One JSON line per adjustment, both applied; the token nowhere.
    simdjson::dom::parser p;
    int applied = 0;
    std::size_t start = 0;
    for (std::size_t end; (end = first.out.find('\n', start)) != std::string::npos; start = end + 1) {
        simdjson::dom::element line;
        ASSERT_EQ(p.parse(first.out.substr(start, end - start)).get(line), simdjson::SUCCESS) << first.out;
        applied += std::string_view(line["result"].get_string().value()) == "applied";
        EXPECT_EQ(std::string_view(line["platform_campaign_id"].get_string().value()), "23850000000001");
    }
    EXPECT_EQ(applied, 2) << first.out;
    EXPECT_EQ(first.out.find(kToken), std::string::npos);
    EXPECT_EQ(first.err.find(kToken), std::string::npos);

    // The cursor: a second run finds nothing new to send.
    const CliRun second = activate(engine.port(), graph.port());
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.out, "");
    EXPECT_EQ(graph.received().size(), 2u);
}

TEST_F(ActivationConnector, APlatformThatStaysDownIsRetriedThenTheAdjustmentWaitsForTheNextRun) {
    EngineProcess engine({"serve", "--config", meta_config(dir_.path()).string(), "--adjustment-interval-ms", "100"});
    ASSERT_TRUE(initial_adjustments_out(engine)) << engine.describe();
    {
        PlatformReceiver down({http_answer(503)});
        const CliRun failed = activate(engine.port(), down.port(), {"--max-attempts", "3"});
        EXPECT_EQ(failed.exit_code, 1) << failed.out;
        EXPECT_NE(failed.out.find("\"gave_up\""), std::string::npos) << failed.out;
        EXPECT_EQ(down.received().size(), 3u);  // three attempts at the first adjustment, then stop
    }
    PlatformReceiver up({http_answer(200)});
    const CliRun later = activate(engine.port(), up.port());
    EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
    EXPECT_EQ(up.received().size(), 2u) << later.out;  // nothing was skipped
}

TEST_F(ActivationConnector, AnUnreachableEngineOrAMissingCredentialIsAClearError) {
    PlatformReceiver graph({http_answer(200)});
    // A port nothing listens on: the receiver's, once it is closed.
    std::uint16_t closed = 0;
    { closed = PlatformReceiver({http_answer(200)}).port(); }
    const CliRun no_engine = activate(closed, graph.port());
    EXPECT_EQ(no_engine.exit_code, 1);
    EXPECT_NE(no_engine.err.find("does not answer"), std::string::npos) << no_engine.err;

    const CliRun no_credential = run_bidline({"activate", "--platform", "meta", "--api", "127.0.0.1:9", "--credentials",
                                              store_.string(), "--credentials-key-file", key_.string(), "--credential",
                                              "tiktok-prod", "--cursor", (dir_.path() / "c").string()});
    EXPECT_EQ(no_credential.exit_code, 2);
    EXPECT_NE(no_credential.err.find("tiktok-prod"), std::string::npos) << no_credential.err;
    EXPECT_EQ(run_bidline({"activate", "--platform", "exchange", "--api", "127.0.0.1:9"}).exit_code, 2);
    EXPECT_TRUE(graph.received().empty());
}

}  // namespace
}  // namespace bidline::test
