// The server protects itself from slow and idle clients: a request whose
// headers do not arrive within the header+body timeouts gets 408 and the
// connection is closed; an idle keep-alive connection is closed after the
// idle timeout; others keep being served meanwhile. Also: `bidline demo`
// serves and its stats move.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline::test {
namespace {

std::filesystem::path short_timeouts_config() {
    MiniConfig c;
    c.engine = "listen = \"127.0.0.1:0\"\nshards = 1\n[engine.limits]\nidle_timeout_ms = 400\nheader_timeout_ms = 200\nbody_timeout_ms = 200\n";
    c.daily_budget = 10.0;
    return write_mini_config("short_timeouts.toml", c);
}

TEST(ServerLimits, SlowHeadersGet408AndIdleConnectionsClose) {
    EngineProcess engine({"serve", "--config", short_timeouts_config().string()});
    HttpClient slow(engine.host(), engine.port());
    slow.connect();
    slow.send_raw("POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Len");  // and then nothing
    const std::string answer = slow.read_until_close();  // the server must answer and close, not wait forever
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 408")) << answer;

    HttpClient idle(engine.host(), engine.port());
    ASSERT_EQ(idle.request("GET", "/healthz").status, 200);
    EXPECT_EQ(idle.read_until_close(), "") << "an idle keep-alive connection is closed without a response";

    HttpClient other(engine.host(), engine.port());
    EXPECT_EQ(other.request("GET", "/healthz").status, 200);
}

// Asio picks its reactor at compile time: `bidline` runs sockets on io_uring
// and re-executes the epoll build when the kernel refuses io_uring (or when
// asked to). Both backends serve the same engine and say which one runs.
TEST(IoBackend, EpollBuildServesWhenAskedAndSaysSo) {
    EngineProcess epoll({"serve", "--io", "epoll", "--shards", "1"});
    EXPECT_NE(epoll.captured_stdout().find("io backend epoll"), std::string::npos) << epoll.describe();
    HttpClient c(epoll.host(), epoll.port());
    EXPECT_EQ(c.request("GET", "/healthz").status, 200);

    EngineProcess uring({"serve", "--io", "uring", "--shards", "1"});
    EXPECT_NE(uring.captured_stdout().find("io backend io_uring"), std::string::npos) << uring.describe();
    HttpClient u(uring.host(), uring.port());
    EXPECT_EQ(u.request("GET", "/healthz").status, 200);
}

TEST(Demo, ServesAndItsStatsMove) {
    EngineProcess engine({"demo", "--shards", "2", "--rate", "300"});
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    std::int64_t bids = 0, wins = 0, spend = 0;
    for (int i = 0; i < 200 && (bids == 0 || wins == 0 || spend == 0); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        HttpResponse r = c.request("GET", "/v1/stats");
        ASSERT_EQ(r.status, 200);
        simdjson::dom::element totals = parser.parse(r.body)["totals"];
        bids = totals["bids"].get_int64();
        wins = totals["wins"].get_int64();
        spend = totals["spend_micros"].get_int64();
    }
    EXPECT_GT(bids, 0);
    EXPECT_GT(wins, 0);
    EXPECT_GT(spend, 0);
    const auto status = engine.stop();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->code, 0);
}

}  // namespace
}  // namespace bidline::test
