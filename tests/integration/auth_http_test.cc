// API keys against the real binary: keys minted with `bidline keys add`,
// 401 without a valid key (with a Bearer challenge), 403 without the route's
// scope, open /healthz and notice URLs, per-key limits that a header cannot
// dodge, a key file that never holds a key, and the embedded demo that stays
// on loopback without keys and says so.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <string>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

// `bidline keys add`: the key it prints once.
std::string mint(const std::filesystem::path& file, const std::string& name, const std::string& scopes) {
    const CliRun r = run_bidline({"keys", "add", "--file", file.string(), "--name", name, "--scopes", scopes});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string key = r.out;
    while (!key.empty() && key.back() == '\n') key.pop_back();
    EXPECT_EQ(key.size(), 84u) << key;
    return key;
}

// The start-up lines come after "listening on": wait for them.
bool says(const EngineProcess& engine, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (engine.captured_stdout().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

std::string error_code(const HttpResponse& r) {
    const std::size_t at = r.body.find("\"error\":\"");
    if (at == std::string::npos) return "<no error in " + r.body + ">";
    const std::size_t start = at + 9;
    return r.body.substr(start, r.body.find('"', start) - start);
}

std::string win_line(int n) { return mini_win_event(n) + "\n"; }

TEST(AuthHttp, EveryRouteButHealthAndNoticesNeedsAKeyWithItsScope) {
    const ScratchDir dir("bidline-auth");
    const auto file = dir.path() / "keys.txt";
    const std::string bidder = mint(file, "exchange-a", "bid");
    const std::string feeder = mint(file, "feeds", "events");
    const std::string reader = mint(file, "dashboard", "read");
    const std::string admin = mint(file, "ops", "admin,read");
    EngineProcess engine({"serve", "--api-keys", file.string()});
    EXPECT_TRUE(says(engine, "bidline: auth: 4 API keys from " + file.string())) << engine.describe();
    HttpClient c(engine.host(), engine.port());
    const std::string request = read_file(simple_banner_request_file());

    EXPECT_EQ(c.request("GET", "/healthz").status, 200);

    const HttpResponse anonymous = c.post_bid(request);
    EXPECT_EQ(anonymous.status, 401) << anonymous.body;
    EXPECT_EQ(anonymous.headers.get("WWW-Authenticate"), "Bearer realm=\"bidline\"");
    EXPECT_EQ(error_code(anonymous), "unauthorized");
    std::string forged = bidder;
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    EXPECT_EQ(c.post_bid(request, bearer(forged)).status, 401);
    EXPECT_EQ(c.post_bid(request, {{"Authorization", "Basic Ym9iOnNlY3JldA=="}}).status, 401);

    const HttpResponse wrong_scope = c.post_bid(request, bearer(feeder));
    EXPECT_EQ(wrong_scope.status, 403);
    EXPECT_EQ(error_code(wrong_scope), "forbidden");
    EXPECT_NE(wrong_scope.body.find(R"(the API key \"feeds\" lacks the scope \"bid\")"), std::string::npos)
        << wrong_scope.body;

    const HttpResponse bid = c.post_bid(request, bearer(bidder));
    ASSERT_EQ(bid.status, 200) << bid.body;

    // The win notice of that bid, as an exchange fires it: no header at all.
    const std::size_t n = bid.body.find("\"nurl\":\"");
    ASSERT_NE(n, std::string::npos) << bid.body;
    std::string nurl = bid.body.substr(n + 8, bid.body.find('"', n + 8) - (n + 8));
    nurl = nurl.substr(nurl.find("/v1/notice/"));
    nurl.replace(nurl.find("${AUCTION_PRICE}"), 16, "1.25");
    EXPECT_EQ(c.request("GET", nurl).status, 200) << nurl;

    EXPECT_EQ(c.request("GET", "/v1/stats").status, 401);
    EXPECT_EQ(c.request("GET", "/v1/stats", {}, bearer(bidder)).status, 403);
    EXPECT_EQ(c.request("GET", "/v1/stats", {}, bearer(reader)).status, 200);
    EXPECT_EQ(c.request("GET", "/dashboard").status, 200);  // the page holds no data
    EXPECT_EQ(c.request("GET", "/dashboard/catalog.json").status, 401);
    EXPECT_EQ(c.request("GET", "/dashboard/catalog.json", {}, bearer(reader)).status, 200);
    EXPECT_EQ(c.request("POST", "/v1/optimizer/run", {}, bearer(reader)).status, 403);
    EXPECT_EQ(c.request("POST", "/v1/optimizer/run", {}, bearer(admin)).status, 202);
    EXPECT_EQ(c.request("POST", "/v1/events", "{}\n", bearer(bidder)).status, 403);
    EXPECT_EQ(c.request("POST", "/v1/events", "{}\n", bearer(feeder)).status, 400);  // let in; the line is invalid

    // Refusals (9 above) are counted per shard, never logged per request.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::int64_t refused = 0;
    while (std::chrono::steady_clock::now() < deadline && refused != 9) {
        const std::string metrics = c.request("GET", "/metrics", {}, bearer(reader)).body;
        refused = 0;
        for (std::size_t at = 0; (at = metrics.find("bidline_auth_refused_total{", at)) != std::string::npos; ++at)
            refused += std::stoll(metrics.substr(metrics.find("} ", at) + 2));
        if (refused != 9) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(refused, 9);
    ASSERT_TRUE(engine.stop().value_or(ExitStatus{}).clean());
    EXPECT_EQ(engine.captured_stderr().find(bidder.substr(20)), std::string::npos);
}

TEST(AuthHttp, AKeySpendsItsOwnConnectorsLimitsWhateverHeaderItSends) {
    const ScratchDir dir("bidline-auth");
    const auto file = dir.path() / "keys.txt";
    const std::string tiny = mint(file, "tiny", "events");
    const std::string roomy = mint(file, "roomy", "events");
    MiniConfig m;
    m.engine = "api_keys = \"" + file.string() + "\"\n" + R"(shards = 2

[connectors.tiny]
requests_per_second = 0.001
burst = 2
)";
    EngineProcess engine({"serve", "--config", write_mini_config("auth_limits.toml", m).string()});
    HttpClient c(engine.host(), engine.port());
    HeaderList as_tiny = bearer(tiny);
    as_tiny.emplace_back("X-Bidline-Connector", "roomy");  // ignored: the key says who calls
    EXPECT_EQ(c.request("POST", "/v1/events", win_line(1), as_tiny).status, 200);
    EXPECT_EQ(c.request("POST", "/v1/events", win_line(2), as_tiny).status, 200);
    const HttpResponse refused = c.request("POST", "/v1/events", win_line(3), as_tiny);
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_TRUE(refused.headers.has("Retry-After"));
    EXPECT_NE(refused.body.find(R"("connector":"tiny")"), std::string::npos) << refused.body;
    EXPECT_EQ(c.request("POST", "/v1/events", win_line(4), bearer(roomy)).status, 200);
}

TEST(AuthHttp, TheKeyFileHoldsNoKeyAndARemovedKeyStopsWorking) {
    const ScratchDir dir("bidline-auth");
    const auto file = dir.path() / "keys.txt";
    const std::string kept = mint(file, "exchange-a", "bid");
    const std::string gone = mint(file, "exchange-b", "bid,read");
    const std::string text = read_file(file);
    EXPECT_EQ(text.find(kept.substr(20)), std::string::npos);
    EXPECT_EQ(text.find(gone.substr(20)), std::string::npos);
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);

    const std::string gone_id = gone.substr(3, 16);
    const CliRun list = run_bidline({"keys", "list", "--file", file.string()});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_NE(list.out.find(gone_id + "\texchange-b\tbid,read\n"), std::string::npos) << list.out;
    const CliRun removed = run_bidline({"keys", "remove", "--file", file.string(), "--id", gone_id});
    EXPECT_EQ(removed.exit_code, 0) << removed.err;

    EngineProcess engine({"serve", "--api-keys", file.string()});
    HttpClient c(engine.host(), engine.port());
    const std::string request = read_file(simple_banner_request_file());
    EXPECT_EQ(c.post_bid(request, bearer(gone)).status, 401);
    EXPECT_EQ(c.post_bid(request, bearer(kept)).status, 200);
}

TEST(AuthHttp, BadKeyInputIsAClearError) {
    const ScratchDir dir("bidline-auth");
    const auto file = dir.path() / "keys.txt";
    const CliRun bad_scope = run_bidline({"keys", "add", "--file", file.string(), "--name", "x", "--scopes", "bid,write"});
    EXPECT_EQ(bad_scope.exit_code, 2);
    EXPECT_EQ(bad_scope.err, "bidline keys: --scopes: unknown scope \"write\" (scopes: bid, events, admin, read)\n");
    EXPECT_FALSE(std::filesystem::exists(file));
    {
        std::ofstream out(file);
        out << "exchange-a bid nothex\n";
    }
    const CliRun serve = run_bidline({"serve", "--api-keys", file.string(), "--port", "0", "--data-dir",
                                      (dir.path() / "data").string()});
    EXPECT_EQ(serve.exit_code, 1);
    EXPECT_NE(serve.err.find(file.string() + ":1: expected NAME SCOPES ID SALT HASH"), std::string::npos) << serve.err;
}

TEST(AuthHttp, TheEventStreamTakesEventsOnlyFromAKeyWithTheEventsScope) {
    ScratchDir dir("bidline-stream-auth");
    const auto keys = dir.path() / "keys.txt";
    const std::string feeder = mint(keys, "feeds", "events");
    const std::string bidder = mint(keys, "exchange-a", "bid");
    EngineProcess engine({"serve", "--api-keys", keys.string(), "--stream-port", "0"});
    const auto events = dir.path() / "events.ndjson";
    std::ofstream(events) << R"({"type":"click","event_id":"c1","bid_id":"b1","line_item":"li-acme-mrec-open","ts":)"
                          << std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count()
                          << "}\n";
    const auto key_file = [&](const std::string& name, const std::string& key) {
        const auto f = dir.path() / name;
        std::ofstream(f) << key << "\n";
        return f.string();
    };
    const std::string to = engine.host() + ":" + std::to_string(engine.stream_port());
    const auto stream = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"stream", "--to", to, "--name", "feeds", "--retries", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(events.string());
        return run_bidline(args);
    };
    const CliRun anonymous = stream({});
    EXPECT_EQ(anonymous.exit_code, 1);
    EXPECT_NE(anonymous.err.find("unauthorized"), std::string::npos) << anonymous.err;
    const CliRun wrong_scope = stream({"--key-file", key_file("bidder.key", bidder)});
    EXPECT_EQ(wrong_scope.exit_code, 1);
    EXPECT_NE(wrong_scope.err.find("forbidden"), std::string::npos) << wrong_scope.err;
    std::string forged = feeder;
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    EXPECT_NE(stream({"--key-file", key_file("forged.key", forged)}).err.find("unauthorized"), std::string::npos);

    const CliRun fed = stream({"--key-file", key_file("feeder.key", feeder)});
    EXPECT_EQ(fed.exit_code, 0) << fed.err;
    EXPECT_EQ(fed.out, "acked 1, rejected 0\n") << fed.err;
    EXPECT_EQ(fed.err.find(feeder), std::string::npos);  // the key is never printed
}

TEST(AuthHttp, TheDemoWithoutKeysStaysOnLoopbackAndSaysSo) {
    const ScratchDir dir("bidline-auth");
    const CliRun everywhere = run_bidline({"serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.path().string()});
    EXPECT_EQ(everywhere.exit_code, 2);
    EXPECT_NE(everywhere.err.find("the embedded demo configuration has no API keys, so it listens on 127.0.0.1 only"),
              std::string::npos)
        << everywhere.err;

    EngineProcess engine({"serve"});
    EXPECT_EQ(engine.host(), "127.0.0.1");
    EXPECT_TRUE(says(engine, "embedded demo configuration (no auth keys: listening on 127.0.0.1 only)"))
        << engine.describe();
    HttpClient c(engine.host(), engine.port());
    EXPECT_EQ(c.request("GET", "/v1/stats").status, 200);
}

}  // namespace
}  // namespace bidline::test
