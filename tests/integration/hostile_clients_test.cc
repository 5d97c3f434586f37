// Hostile clients against the real binary: header floods and connection
// floods get clear refusals, memory stays bounded, and the engine keeps
// serving well-behaved clients throughout. (Slow-loris: server_limits_test;
// oversized and compressed-bomb bodies: bad_requests_test.)
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline::test {
namespace {

// Resident memory of a process, from /proc (kB).
long rss_kb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

std::string bid_request() { return read_file(simple_banner_request_file()); }

TEST(HostileClients, HeaderFloodsAre431AndOthersAreStillServed) {
    EngineProcess engine({"serve", "--shards", "1"});
    HttpClient good(engine.host(), engine.port());
    ASSERT_EQ(good.request("GET", "/healthz").status, 200);

    // Too many header fields, each small.
    std::string many = "POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i) many += "X-Flood-" + std::to_string(i) + ": 1\r\n";
    many += "Content-Length: 2\r\n\r\n{}";
    HttpClient flood(engine.host(), engine.port());
    flood.connect();
    flood.send_raw(many);
    std::string answer = flood.read_until_close();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 431")) << answer.substr(0, 200);
    EXPECT_NE(answer.find("too many header fields"), std::string::npos) << answer;

    // One huge header block, never ending: refused at the limit, not buffered forever.
    HttpClient endless(engine.host(), engine.port());
    endless.connect();
    endless.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a'));
    answer = endless.read_until_close();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 431")) << answer.substr(0, 200);

    // The well-behaved connection was never disturbed.
    EXPECT_EQ(good.post_bid(bid_request()).status, 200);
}

TEST(HostileClients, ConnectionFloodIsRefusedBeyondTheLimitWithBoundedMemory) {
    MiniConfig config;
    config.engine = "shards = 1\n[engine.limits]\nmax_connections_per_shard = 64\n";
    EngineProcess engine({"serve", "--config", write_mini_config("connection_flood.toml", config).string()});
    HttpClient good(engine.host(), engine.port());
    ASSERT_EQ(good.post_bid(bid_request()).status, 200);
    const long rss_before = rss_kb(engine.pid());

    // 500 connections that never send a byte: the engine keeps at most the limit.
    std::vector<std::unique_ptr<HttpClient>> flood;
    int refused = 0;
    for (int i = 0; i < 500; ++i) {
        flood.push_back(std::make_unique<HttpClient>(engine.host(), engine.port()));
        flood.back()->connect();
    }
    // Wait until the engine has taken every one of them off its listen queue.
    simdjson::dom::parser parser;
    std::int64_t accepted = 0;
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         accepted < 501 && std::chrono::steady_clock::now() < deadline;) {
        const HttpResponse stats = good.request("GET", "/v1/stats");
        accepted = parser.parse(stats.body)["shards"].at(0)["connections_total"].get_int64().value_unsafe();
        if (accepted < 501) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GE(accepted, 501);
    // The refused ones are closed by the server: reading them ends at once.
    // The accepted ones stay open (idle timeout 30 s): probe with a request.
    for (auto& c : flood) {
        c->send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const std::string answer = c->read_until_close();
        if (!answer.starts_with("HTTP/1.1 200")) ++refused;
    }
    EXPECT_GE(refused, 500 - 64) << "at most max_connections_per_shard are served at once";
    EXPECT_LT(refused, 500) << "connections within the limit are served";

    // The connection that was open before the flood is still served.
    EXPECT_EQ(good.post_bid(bid_request()).status, 200);
    const long rss_after = rss_kb(engine.pid());
    ASSERT_GT(rss_before, 0);
    EXPECT_LT(rss_after - rss_before, 32 * 1024) << "memory grew by " << (rss_after - rss_before) << " kB";

    // Once the flood is gone, new clients get in again.
    flood.clear();
    HttpClient later(engine.host(), engine.port());
    EXPECT_EQ(later.request("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace bidline::test
