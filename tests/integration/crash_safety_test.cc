// Crash safety under bidding load, against the real binary: exchanges bid
// and send win notices flat out against a small daily budget; the engine
// is killed with SIGKILL mid-load and restarted on the same data dir; the
// clients resend the notices they never saw acknowledged and keep bidding
// until the budget is spent. Then the ledger must equal exactly the wins
// that were sent (none lost, none counted twice) and spend must not pass
// the budget plus the 1 % tolerance, across the crash.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline::test {
namespace {

constexpr double kBudget = 2.0;                     // currency units a day
constexpr std::int64_t kBudgetMicros = 2'000'000;
constexpr std::int64_t kWinMicros = 1'000;          // a 1.00 CPM win costs 1000 micros

struct Ledger {
    std::int64_t wins = -1, spend = -1;
};

Ledger ledger(EngineProcess& engine) {
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    const HttpResponse r = c.request("GET", "/v1/stats");
    for (simdjson::dom::element li : parser.parse(r.body)["line_items"].get_array())
        if (std::string_view(li["id"].get_string()) == "li")
            return {li["wins"].get_int64().value_unsafe(), li["spend_total_micros"].get_int64().value_unsafe()};
    return {};
}

// One exchange connection: bid, and on a bid send its win notice. A notice
// whose answer never came is kept to be resent after the restart.
struct Exchange {
    std::int64_t acked_wins = 0;
    std::vector<std::string> unacked;  // notices with no answer

    // Until `stop`, or the connection fails, or `no_bid_limit` 204s in a row.
    void run(EngineProcess& engine, const std::atomic<bool>& stop, std::atomic<std::int64_t>& total_acked,
             int no_bid_limit) {
        HttpClient c(engine.host(), engine.port(), std::chrono::milliseconds(2000));
        const std::string request = read_file(simple_banner_request_file());
        for (std::string& url : unacked) {  // the resend after a restart
            if (c.request("GET", url).status != 200) return;
            ++acked_wins;
        }
        unacked.clear();
        int no_bids = 0;
        while (!stop.load() && no_bids < no_bid_limit) {
            std::string url;
            try {
                const HttpResponse bid = c.post_bid(request);
                if (bid.status != 200) {
                    ++no_bids;
                    continue;
                }
                no_bids = 0;
                url = win_notice_path(bid.body);
                if (c.request("GET", url).status != 200) throw std::runtime_error("notice refused");
                ++acked_wins;
                ++total_acked;
            } catch (const std::exception&) {
                if (!url.empty()) unacked.push_back(url);  // sent, never acknowledged
                return;
            }
        }
    }
};

TEST(CrashSafety, KillNineUnderBiddingLoadLosesNothingAndNeverOverspends) {
    MiniConfig config;
    config.engine = "shards = 2\ncontrol_tick_ms = 50\n";
    config.daily_budget = kBudget;
    config.campaign_extra = "pacing = \"asap\"\n";
    config.cpm = 1.0;
    const auto config_file = write_mini_config("crash_safety.toml", config);
    const auto data_dir = std::filesystem::path(testing::TempDir()) / ("crash-safety-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    const std::vector<std::string> args = {"serve", "--config", config_file.string(), "--data-dir", data_dir.string()};

    std::vector<Exchange> exchanges(3);
    std::atomic<std::int64_t> acked{0};
    {
        EngineProcess engine(args);
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (Exchange& x : exchanges)
            threads.emplace_back([&, xp = &x] { xp->run(engine, stop, acked, 1'000'000); });
        // Kill once a good part of the budget has been won, mid-load.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (acked.load() < 600 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        engine.send_signal(SIGKILL);
        stop = true;
        for (std::thread& t : threads) t.join();
        ASSERT_GE(acked.load(), 600) << "the load never got going";
        ASSERT_TRUE(engine.wait_exit(std::chrono::seconds(30)).has_value());
    }

    EngineProcess engine(args);
    const Ledger recovered = ledger(engine);  // recovery ran before the server listened
    EXPECT_GE(recovered.wins, acked.load()) << "an acknowledged win was lost";
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (Exchange& x : exchanges) threads.emplace_back([&, xp = &x] { xp->run(engine, stop, acked, 1'000'000); });
    // Bid on until the budget is (nearly) spent: leases ramp up again after the restart.
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
         ledger(engine).spend < kBudgetMicros * 98 / 100 && std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    for (std::thread& t : threads) t.join();

    std::int64_t sent = 0;
    for (const Exchange& x : exchanges) {
        EXPECT_TRUE(x.unacked.empty()) << "every notice was acknowledged after the restart";
        sent += x.acked_wins;
    }
    Ledger final;
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         std::chrono::steady_clock::now() < deadline;) {
        final = ledger(engine);
        if (final.wins == sent) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(final.wins, sent) << "each acknowledged win counts exactly once across the crash";
    EXPECT_EQ(final.spend, sent * kWinMicros);
    EXPECT_LE(final.spend, kBudgetMicros + kBudgetMicros / 100) << "spend passed the budget plus tolerance";
    EXPECT_GE(final.spend, kBudgetMicros * 95 / 100) << "the budget should be (nearly) spent by the end";
    std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace bidline::test
