// Bid requests and their decisions in the event log, as an analyst uses
// them: the real engine logs what it was asked and what it answered
// (`--log-requests`), `bidline log cat` prints it, and `bidline replay
// --format native` replays it with market prices taken from the wins and
// min-to-win losses that came back — reproducing a hand-computed outcome.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/wall_clock.h"

namespace bidline::test {
namespace {

// The spec's simple banner request with its own id and a second-price auction.
std::string banner_request(const std::string& id) {
    std::string r = read_file(simple_banner_request_file());
    const std::string old_id = "80ce30c53c16e6ede735f123ef6e32361bfc7b22";
    r.replace(r.find(old_id), old_id.size(), id);
    r.replace(r.find("\"at\": 1"), 7, "\"at\": 2");
    return r;
}

struct PlacedBid {
    std::string bid_id, line_item, nurl_path;
};

PlacedBid bid_of(const std::string& response_body) {
    simdjson::dom::parser p;
    simdjson::dom::element bid = p.parse(response_body)["seatbid"].at(0)["bid"].at(0);
    std::string nurl(std::string_view(bid["nurl"].get_string()));
    nurl = nurl.substr(nurl.find("/v1/notice/"));
    const std::size_t li_at = nurl.find("li=") + 3;
    const std::string li = nurl.substr(li_at, nurl.find('&', li_at) - li_at);
    return {std::string(std::string_view(bid["id"].get_string())), li, nurl};
}

std::string with_price(std::string url, double cpm) {
    const std::string macro = "${AUCTION_PRICE}";
    url.replace(url.find(macro), macro.size(), std::to_string(cpm));
    return url;
}

// The bid_request lines of `bidline log cat` output.
std::vector<std::string> logged_requests(const std::string& log_cat_out) {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    for (std::size_t at = 0, end; at < log_cat_out.size(); at = end + 1) {
        end = log_cat_out.find('\n', at);
        if (end == std::string::npos) end = log_cat_out.size();
        const std::string line = log_cat_out.substr(at, end - at);
        if (std::string_view(parser.parse(line)["type"].get_string()) == "bid_request") out.push_back(line);
    }
    return out;
}

// An engine logging every request (two shards) on one line item at CPM 5.00,
// paced asap with a large budget: leases never stop a test's bids (the demo
// book's even pacing, right after its advertiser's midnight at 05:00 UTC,
// leases a shard four bids).
EngineProcess logging_engine_on_asap_book(std::string_view file_name) {
    MiniConfig config;
    config.engine = "shards = 2\n";
    config.daily_budget = 10000;
    config.campaign_extra = "pacing = \"asap\"\n";
    config.cpm = 5.0;
    return EngineProcess({"serve", "--config", write_mini_config(file_name, config).string(), "--log-requests", "full"});
}

TEST(RequestLog, FullModeLogsEveryRequestWithItsDecision) {
    EngineProcess engine = logging_engine_on_asap_book("full_request_log.toml");
    HttpClient c(engine.host(), engine.port());
    std::vector<std::string> bid_ids;
    for (int i = 0; i < 6; ++i) {
        HttpResponse r = c.post_bid(banner_request("req-" + std::to_string(i)));
        ASSERT_EQ(r.status, 200) << r.body;
        bid_ids.push_back(bid_of(r.body).bid_id);
    }
    HttpResponse bad = c.post_bid("{\"id\": 7");
    ASSERT_EQ(bad.status, 400);
    std::string expensive = banner_request("floor-too-high");
    const std::string floor = "\"bidfloor\": 0.03";
    expensive.replace(expensive.find(floor), floor.size(), "\"bidfloor\": 900");
    HttpResponse none = c.post_bid(expensive);
    ASSERT_EQ(none.status, 204) << none.body;
    // /v1/stats counts what went to the log (rendered each control tick).
    std::int64_t written = 0;
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         written < 8 && std::chrono::steady_clock::now() < deadline;) {
        simdjson::dom::parser p;
        written = 0;
        for (simdjson::dom::element shard : p.parse(c.request("GET", "/v1/stats").body)["shards"].get_array())
            written += shard["request_log_written"].get_int64().value_unsafe();
        if (written < 8) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(written, 8);
    ASSERT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();

    const CliRun cat = run_bidline({"log", "cat", (engine.data_dir() / "events").string()});
    ASSERT_EQ(cat.exit_code, 0) << cat.err;
    const auto logged = logged_requests(cat.out);
    ASSERT_EQ(logged.size(), 8u) << cat.out;
    simdjson::dom::parser parser;
    std::vector<std::string> logged_bid_ids;
    int statuses[3] = {0, 0, 0};
    for (const std::string& line : logged) {
        simdjson::dom::element e = parser.parse(line);
        const auto status = std::int64_t(e["status"].get_int64());
        if (status == 200) {
            ++statuses[0];
            auto bids = e["bids"].get_array().value();
            ASSERT_EQ(bids.size(), 1u);
            logged_bid_ids.emplace_back(std::string_view(bids.at(0)["bid_id"].get_string()));
            EXPECT_EQ(std::string_view(e["request_id"].get_string()).substr(0, 4), "req-");
            // The request itself is printed as a JSON object, as received.
            EXPECT_EQ(std::string_view(e["request"]["id"].get_string()), std::string_view(e["request_id"].get_string()));
        } else if (status == 204) {
            ++statuses[1];
            EXPECT_EQ(std::string_view(e["request_id"].get_string()), "floor-too-high");
            EXPECT_EQ(std::string_view(e["no_bid_reason"].get_string()), "below_floor");
            EXPECT_FALSE(std::string_view(e["no_bid_reason"].get_string()).empty());
        } else {
            ++statuses[2];
            EXPECT_EQ(status, 400);
            EXPECT_EQ(std::string_view(e["body"].get_string()), "{\"id\": 7");  // not JSON: kept as text
        }
    }
    EXPECT_EQ(statuses[0], 6);
    EXPECT_EQ(statuses[1], 1);
    EXPECT_EQ(statuses[2], 1);
    std::sort(bid_ids.begin(), bid_ids.end());
    std::sort(logged_bid_ids.begin(), logged_bid_ids.end());
    EXPECT_EQ(logged_bid_ids, bid_ids);
}

TEST(RequestLog, OffLogsNothingAndSampledLogsAShare) {
    for (const auto& [mode, low, high] : {std::tuple{"off", 0, 0}, std::tuple{"sampled", 70, 130}}) {
        EngineProcess engine({"serve", "--shards", "1", "--log-requests", mode, "--log-sample-rate", "0.5"});
        HttpClient c(engine.host(), engine.port());
        for (int i = 0; i < 200; ++i)
            ASSERT_NE(c.post_bid(banner_request("s-" + std::to_string(i))).status, 400);
        ASSERT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();
        const CliRun cat = run_bidline({"log", "cat", (engine.data_dir() / "events").string()});
        ASSERT_EQ(cat.exit_code, 0) << cat.err;
        const int n = static_cast<int>(logged_requests(cat.out).size());
        EXPECT_GE(n, low) << mode;  // 0.5 × 200 ± 4.2 σ
        EXPECT_LE(n, high) << mode;
    }
}

// Twelve logged auctions whose outcomes the test chooses: eight wins at
// known clearing prices, two losses with min-to-win, two with no feedback.
// Replayed with a manual CPM of 4.20 in second-price auctions, the winners
// are exactly the auctions whose market price is below 4.20, each paying
// that price.
TEST(NativeReplay, ReproducesTheHandComputedOutcome) {
    EngineProcess engine = logging_engine_on_asap_book("native_replay.toml");
    HttpClient c(engine.host(), engine.port());
    std::vector<PlacedBid> bids;
    for (int i = 0; i < 12; ++i) {
        HttpResponse r = c.post_bid(banner_request("auction-" + std::to_string(i)));
        ASSERT_EQ(r.status, 200) << r.body;
        bids.push_back(bid_of(r.body));
    }
    ASSERT_EQ(c.post_bid("not json").status, 400);
    const double win_prices[8] = {1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5};
    for (int i = 0; i < 8; ++i) ASSERT_EQ(c.request("GET", with_price(bids[i].nurl_path, win_prices[i])).status, 200);
    std::string events;
    const double min_to_win[2] = {6.0, 3.9};
    for (int i = 0; i < 2; ++i) {
        const PlacedBid& b = bids[8 + i];
        events += R"({"type":"loss","event_id":"loss-)" + std::to_string(i) + R"(","bid_id":")" + b.bid_id +
                  R"(","line_item":")" + b.line_item + R"(","reason":102,"min_to_win":)" + std::to_string(min_to_win[i]) +
                  R"(,"ts":)" + std::to_string(now_ms()) + "}\n";
    }
    HttpResponse ev = c.request("POST", "/v1/events", events);
    ASSERT_EQ(ev.status, 200) << ev.body;
    for (int i : {1, 3, 6}) {
        std::string click = bids[i].nurl_path;
        click.replace(click.find("/win"), 4, "/click");
        ASSERT_EQ(c.request("GET", click).status, 200) << click;
    }
    ASSERT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();

    const std::string report = (engine.data_dir() / "replay.json").string();
    const CliRun replay = run_bidline({"replay", "--format", "native", "--input", (engine.data_dir() / "events").string(),
                                       "--budget", "1000", "--strategy", "manual_cpm", "--bid", "4.2", "--pacing", "asap",
                                       "--out", report});
    ASSERT_EQ(replay.exit_code, 0) << replay.err;
    simdjson::dom::parser parser;
    simdjson::dom::element totals = parser.load(report)["totals"];
    EXPECT_EQ(std::int64_t(totals["requests"].get_int64()), 13);
    EXPECT_EQ(std::int64_t(totals["bids"].get_int64()), 12);
    // Wins: clearing prices 1.0 … 4.0 (7) and the loss whose min-to-win was 3.9.
    EXPECT_EQ(std::int64_t(totals["wins"].get_int64()), 8);
    EXPECT_EQ(std::int64_t(totals["clicks"].get_int64()), 3);
    const double spend = (1.0 + 1.5 + 2.0 + 2.5 + 3.0 + 3.5 + 4.0 + 3.9) / 1000.0;
    EXPECT_NEAR(double(totals["spend"].get_double()), spend, 1e-9);
}

}  // namespace
}  // namespace bidline::test
