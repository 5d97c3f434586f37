// One daily budget shared by several processes through a Redis ledger
// (engine/README.md, "Budget across several machines"), against a real
// redis-server on loopback.
//
// First the two Lua scripts alone: a grant never exceeds budget - spend -
// other live leases, also under concurrent acquires from several
// connections; reports are idempotent; expired leases are reclaimed after
// their ttl; a new day's key starts fresh; an unreachable Redis or a server
// that forgot the scripts is handled. Then three real `bidline serve`
// processes bidding on one campaign: together they stay within the budget,
// and one killed with SIGKILL while holding a lease frees it after the ttl.
//
// No fixed sleeps: every wait polls a condition under a deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/clock.h"
#include "bidline/engine/redis_budget_ledger.h"
#include "engine/engine_test_config.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/redis_server.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

RedisBudgetLedgerOptions options_for(const RedisServer& redis, std::string node,
                                     std::chrono::milliseconds ttl = 5000ms) {
    RedisBudgetLedgerOptions o;
    o.host = redis.host();
    o.port = redis.port();
    o.prefix = "t";
    o.node = std::move(node);
    o.lease_ttl = ttl;
    o.reconnect_backoff = 0ms;
    return o;
}

std::int64_t field(RedisClient& client, const std::string& key, const std::string& name) {
    const std::string v = client.command({"HGET", key, name});
    return v.empty() ? 0 : std::stoll(v);
}

TEST(RedisBudgetLedgerScripts, GrantsNeverExceedBudgetMinusSpendAndOtherLeases) {
    RedisServer redis;
    SystemClock clock;
    RedisBudgetLedger a(options_for(redis, "a"), clock), b(options_for(redis, "b"), clock),
        c(options_for(redis, "c"), clock);
    const std::string scope = "campaign:cmp:2026-11-23";

    auto ga = a.acquire(scope, 600, 1000);
    ASSERT_TRUE(ga) << a.status().last_error;
    EXPECT_EQ(ga->lease, 600);
    EXPECT_EQ(ga->spend, 0);
    EXPECT_EQ(ga->other_leases, 0);
    auto gb = b.acquire(scope, 600, 1000);
    ASSERT_TRUE(gb);
    EXPECT_EQ(gb->lease, 400) << "only budget - a's lease is left";
    EXPECT_EQ(gb->other_leases, 600);

    // a spent 100 of its lease: the scope's spend grows, a's lease shrinks by as much.
    EXPECT_EQ(a.report(scope, 100), 100);
    EXPECT_EQ(a.report(scope, 100), 100) << "the same cumulative figure again adds nothing";
    RedisClient client(redis.host(), redis.port());
    const std::string key = a.key(scope);
    EXPECT_EQ(key, "t:budget:" + scope);
    EXPECT_EQ(field(client, key, "lease:a"), 500);
    EXPECT_EQ(field(client, key, "spend:a"), 100);

    auto gc = c.acquire(scope, 50, 1000);
    ASSERT_TRUE(gc);
    EXPECT_EQ(gc->lease, 0) << "100 spent + 500 + 400 leased = the budget";
    EXPECT_EQ(client.command({"HEXISTS", key, "lease:c"}), "0") << "a grant of 0 holds nothing";
    // b gives back 300: c may now have them, never more.
    ASSERT_EQ(b.acquire(scope, 100, 1000)->lease, 100);
    gc = c.acquire(scope, 1000, 1000);
    EXPECT_EQ(gc->lease, 300);
    EXPECT_EQ(gc->spend, 100);
    EXPECT_EQ(gc->other_leases, 600);
    // Spend past the budget (an exchange billed more than the bid): nobody gets anything.
    EXPECT_EQ(b.report(scope, 1200), 1300);
    EXPECT_EQ(a.acquire(scope, 10, 1000)->lease, 0);
    EXPECT_GT(std::stoll(client.command({"PTTL", key})), 0) << "the key expires a few days later";
}

TEST(RedisBudgetLedgerScripts, ConcurrentNodesNeverOverGrant) {
    RedisServer redis;
    SystemClock clock;
    constexpr int kNodes = 6;
    constexpr std::int64_t kBudget = 100'000;
    const std::string scope = "campaign:busy:2026-11-23";
    std::atomic<int> violations{0};
    std::vector<std::thread> nodes;
    for (int n = 0; n < kNodes; ++n)
        nodes.emplace_back([&, n] {
            RedisBudgetLedger ledger(options_for(redis, "n" + std::to_string(n)), clock);
            std::mt19937_64 rng(1234 + static_cast<unsigned>(n));
            std::int64_t spent = 0, lease = 0;
            for (int i = 0; i < 300; ++i) {
                // Spend part of what is held, report it, ask for a new lease.
                spent += lease > 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(lease + 1)) : 0;
                const std::vector<SharedBudgetRequest> req{
                    {scope, spent, static_cast<std::int64_t>(rng() % 3000), kBudget}};
                auto g = ledger.sync(req);
                if (!g) {
                    ++violations;
                    return;
                }
                const SharedBudgetGrant& grant = (*g)[0];
                if (grant.lease > req[0].want || grant.lease < 0) ++violations;
                if (grant.lease > 0 && grant.spend + grant.other_leases + grant.lease > kBudget) ++violations;
                lease = grant.lease;
            }
        });
    for (auto& t : nodes) t.join();
    EXPECT_EQ(violations.load(), 0);
    RedisClient client(redis.host(), redis.port());
    const std::string key = "t:budget:" + scope;
    std::int64_t leases = 0, node_spend = 0;
    for (int n = 0; n < kNodes; ++n) {
        leases += field(client, key, "lease:n" + std::to_string(n));
        node_spend += field(client, key, "spend:n" + std::to_string(n));
    }
    const std::int64_t spend = field(client, key, "spend");
    EXPECT_EQ(spend, node_spend) << "the scope's spend is the sum of what each node reported";
    EXPECT_LE(spend + leases, kBudget);
    EXPECT_GE(spend, kBudget / 2) << "the nodes should have spent most of it";
}

TEST(RedisBudgetLedgerScripts, ExpiredLeasesAreReclaimedAfterTheTtl) {
    RedisServer redis;
    SystemClock clock;
    constexpr auto kTtl = 400ms;
    RedisBudgetLedger dead(options_for(redis, "dead", kTtl), clock), alive(options_for(redis, "alive", kTtl), clock);
    const std::string scope = "line_item:li:2026-11-23";
    const auto acquired = SteadyClock::now();
    ASSERT_EQ(dead.acquire(scope, 800, 1000)->lease, 800);
    ASSERT_EQ(alive.acquire(scope, 1000, 1000)->lease, 200);
    // `dead` never refreshes its lease: after the ttl the other node gets all of it.
    const auto deadline = SteadyClock::now() + 10s;
    std::int64_t lease = 0;
    while (SteadyClock::now() < deadline) {
        auto g = alive.acquire(scope, 1000, 1000);
        ASSERT_TRUE(g) << alive.status().last_error;
        if ((lease = g->lease) == 1000) break;
        EXPECT_EQ(g->lease, 200) << "before the ttl nothing of the dead node's lease is free";
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(lease, 1000);
    EXPECT_GE(SteadyClock::now() - acquired, kTtl - 50ms) << "not before the ttl (Redis and local clocks tick alike)";
    RedisClient client(redis.host(), redis.port());
    EXPECT_EQ(client.command({"HEXISTS", "t:budget:" + scope, "lease:dead"}), "0");
    // A node that keeps refreshing keeps its lease past the ttl.
    const auto refreshed_until = SteadyClock::now() + 3 * kTtl;
    while (SteadyClock::now() < refreshed_until) {
        ASSERT_EQ(alive.acquire(scope, 1000, 1000)->lease, 1000);
        ASSERT_EQ(dead.acquire(scope, 10, 1000)->lease, 0);
        std::this_thread::sleep_for(kTtl / 4);
    }
}

TEST(RedisBudgetLedgerScripts, ANewDayStartsFresh) {
    RedisServer redis;
    SystemClock clock;
    RedisBudgetLedger ledger(options_for(redis, "a"), clock);
    ASSERT_EQ(ledger.acquire("campaign:cmp:2026-11-23", 1000, 1000)->lease, 1000);
    ASSERT_EQ(ledger.report("campaign:cmp:2026-11-23", 1000), 1000);
    EXPECT_EQ(ledger.acquire("campaign:cmp:2026-11-23", 500, 1000)->lease, 0) << "the day is spent";
    auto next_day = ledger.acquire("campaign:cmp:2026-11-24", 500, 1000);
    ASSERT_TRUE(next_day);
    EXPECT_EQ(next_day->lease, 500);
    EXPECT_EQ(next_day->spend, 0);
    EXPECT_EQ(ledger.report("campaign:cmp:2026-11-24", 30), 30) << "spend today starts again at 0";
}

TEST(RedisBudgetLedgerScripts, UnreachableRedisIsAFailedSyncAndARestartedOneIsUsedAgain) {
    SystemClock clock;
    RedisBudgetLedgerOptions nowhere;
    nowhere.port = free_loopback_port();
    nowhere.node = "a";
    RedisBudgetLedger lost(nowhere, clock);
    const std::vector<SharedBudgetRequest> req{{"campaign:cmp:2026-11-23", 0, 100, 1000}};
    EXPECT_FALSE(lost.sync(req));
    EXPECT_EQ(lost.status().failures, 1u);
    EXPECT_FALSE(lost.status().healthy);
    EXPECT_NE(lost.status().last_error.find(std::to_string(nowhere.port)), std::string::npos)
        << lost.status().last_error;
    EXPECT_FALSE(lost.sync(req)) << "within the reconnect backoff: fails fast";
    EXPECT_EQ(lost.status().failures, 2u);

    RedisServer redis;
    RedisBudgetLedgerOptions o = options_for(redis, "a");
    o.reconnect_backoff = 200ms;
    RedisBudgetLedger ledger(o, clock);
    ASSERT_TRUE(ledger.sync(req));
    // A server that forgot the scripts (SCRIPT FLUSH, a restart): EVAL instead.
    RedisClient client(redis.host(), redis.port());
    client.command({"SCRIPT", "FLUSH"});
    const std::vector<SharedBudgetRequest> spent{{"campaign:cmp:2026-11-23", 40, 100, 1000}};
    auto g = ledger.sync(spent);
    ASSERT_TRUE(g) << ledger.status().last_error;
    EXPECT_EQ((*g)[0].spend, 40);
    EXPECT_EQ((*g)[0].lease, 100);
    // The server goes away and comes back empty.
    redis.stop();
    EXPECT_FALSE(ledger.sync(spent));
    EXPECT_FALSE(ledger.status().healthy);
    redis.start();
    // Ticks fail fast during the backoff, then the ledger connects again.
    const auto deadline = SteadyClock::now() + 5s;
    while (!(g = ledger.sync(spent)) && SteadyClock::now() < deadline) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(g) << ledger.status().last_error;
    EXPECT_TRUE(ledger.status().healthy);
    EXPECT_EQ((*g)[0].spend, 40) << "the node's cumulative spend is reported again";
    EXPECT_EQ(ledger.status().syncs, 3u);
}

TEST(RedisBudgetLedgerScripts, ParsesTheUrl) {
    const auto o = parse_budget_ledger_url("redis://10.0.0.7:6390/shop");
    EXPECT_EQ(o.host, "10.0.0.7");
    EXPECT_EQ(o.port, 6390);
    EXPECT_EQ(o.prefix, "shop");
    const auto d = parse_budget_ledger_url("redis://redis.local");
    EXPECT_EQ(d.host, "redis.local");
    EXPECT_EQ(d.port, 6379);
    EXPECT_EQ(d.prefix, "bidline");
    EXPECT_THROW((void)parse_budget_ledger_url("http://x:1/p"), CliError);
    EXPECT_THROW((void)parse_budget_ledger_url("redis://x:0/p"), CliError);
    EXPECT_THROW((void)parse_budget_ledger_url("redis://u:pw@x:1/p"), CliError);
}

// ---- the control loop against a substitute ledger ----

class FakeSharedBudget final : public SharedBudgetLedger {
public:
    std::optional<std::int64_t> lease;  // what every scope gets; nullopt = Redis unreachable
    std::vector<SharedBudgetRequest> last;

    std::optional<std::vector<SharedBudgetGrant>> sync(std::span<const SharedBudgetRequest> requests) override {
        last.assign(requests.begin(), requests.end());
        status_.healthy = lease.has_value();
        if (!lease) {
            ++status_.failures;
            status_.last_error = "unreachable";
            return std::nullopt;
        }
        ++status_.syncs;
        return std::vector<SharedBudgetGrant>(requests.size(), SharedBudgetGrant{*lease, 0, 0});
    }
    double max_lease_share() const override { return 0.0025; }
    std::chrono::milliseconds lease_ttl() const override { return 1000ms; }
    const SharedBudgetStatus& status() const override { return status_; }

private:
    SharedBudgetStatus status_{"fake://", "node-1"};
};

TEST(SharedBudgetControlLoop, ShardLeasesStayWithinTheNodeLeaseAndNothingNewWithoutAnAnswer) {
    const Config config = make_config({{.id = "li"}}, {{.daily_budget = "10.0"}});
    TestEngine e(config);
    FakeSharedBudget shared;
    shared.lease = 3000;
    e.control.set_shared_budget(&shared);
    e.control.tick();
    ASSERT_EQ(shared.last.size(), 1u) << "one budgeted scope: the campaign";
    EXPECT_EQ(shared.last[0].scope, "campaign:cmp:2026-03-10");
    EXPECT_EQ(shared.last[0].node_spend, 0);
    EXPECT_EQ(shared.last[0].want, 25'000) << "0.25 % of the $10 budget";
    EXPECT_EQ(shared.last[0].budget, 10'000'000);
    const LineItemShardState& lease = e.shard.line_items[e.index_of("li")];
    EXPECT_EQ(lease.granted_micros.load(), 3000) << "not the 10,000 it would grant on its own";
    const std::string request = request_json(kBannerImp, kSite);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(e.bid(request).status, 200);
    EXPECT_EQ(e.bid(request).status, 204) << "three $1 CPM bids fill a 3000 lease";

    shared.lease.reset();  // the shared ledger does not answer: nothing new
    e.control.tick();
    EXPECT_EQ(lease.granted_micros.load(), 3000);
    const std::string stats = *e.state.stats_json.load();
    EXPECT_NE(stats.find(R"("shared_budget":{"ledger":"fake://","node":"node-1","healthy":false)"), std::string::npos)
        << stats;

    shared.lease = 3000;  // back, but the node's 3000 are still out (bids in flight)
    e.control.tick();
    EXPECT_EQ(shared.last[0].want, 25'000);
    EXPECT_EQ(lease.granted_micros.load(), 3000);
    shared.lease = 5000;
    e.control.tick();
    EXPECT_EQ(lease.granted_micros.load(), 5000) << "only lease - outstanding is new";
}

TEST(SharedBudgetControlLoop, ShardsStopSpendingWhenTheNodeLeaseMayHaveExpired) {
    // "free" has no budget anywhere: no shared scope, so no deadline either.
    const Config config = make_config({{.id = "li", .cpm = "2.0"}, {.id = "free", .campaign = "open"}},
                                      {{.daily_budget = "10.0"}, {.id = "open", .daily_budget = "0"}});
    TestEngine e(config);
    FakeSharedBudget shared;
    shared.lease = 10'000;
    e.control.set_shared_budget(&shared);
    e.control.tick();
    const std::uint32_t li = e.index_of("li");
    ASSERT_EQ(e.shard.line_items[li].granted_micros.load(), 8000) << "four of its $2 CPM bids";
    const std::string request = request_json(kBannerImp, kSite);
    ASSERT_EQ(e.bid(request).status, 200);
    ASSERT_EQ(e.shard.line_items[li].charged_micros.load(), 2000) << "the $2 CPM line item wins the imp";

    // The control thread stalls (no tick) past 80 % of the 1 s ttl: the
    // shard still holds 6000 of slice but must not spend it, because the
    // node's lease may be gone from Redis and others may hold that room.
    e.clock.advance(800ms);
    const BidAnswer late = e.bid(request);
    EXPECT_EQ(late.status, 200) << "the line item without a shared budget still bids";
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 2000) << "nothing more on the shared budget";
    EXPECT_EQ(e.shard.line_items[e.index_of("free")].charged_micros.load(), 1000);

    e.control.tick();  // back: a sync renews the lease, and the slice is usable again
    EXPECT_EQ(e.bid(request).status, 200);
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 4000);
    const std::string stats = *e.state.stats_json.load();
    EXPECT_NE(stats.find(R"("lease_lapses":1)"), std::string::npos) << stats;

    shared.lease.reset();  // Redis away: the deadline is not renewed
    e.clock.advance(500ms);
    e.control.tick();
    EXPECT_EQ(e.bid(request).status, 200) << "within the deadline the held slice still spends";
    e.clock.advance(400ms);
    e.control.tick();
    const std::int64_t charged = e.shard.line_items[li].charged_micros.load();
    (void)e.bid(request);
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), charged) << "past it, nothing";
}

TEST(SharedBudgetControlLoop, ALeaseSmallerThanWhatIsOutTakesBackTheUnusedSlices) {
    const Config config = make_config({{.id = "li"}}, {{.daily_budget = "10.0"}});
    TestEngine e(config);
    FakeSharedBudget shared;
    shared.lease = 5000;
    e.control.set_shared_budget(&shared);
    e.control.tick();
    const std::string request = request_json(kBannerImp, kSite);
    ASSERT_EQ(e.bid(request).status, 200);  // 1000 in flight, 3000 unused (a slice is four $1 CPM bids)
    const LineItemShardState& lease = e.shard.line_items[e.index_of("li")];

    // The lease lapsed and another node took the room: 1500 is all that is left.
    shared.lease = 1500;
    e.control.tick();
    EXPECT_EQ(lease.granted_micros.load(), 1500) << "unused slice taken back, then lease - in flight granted";
    EXPECT_EQ(e.ledger("li").granted_total, 1500);
    EXPECT_EQ(e.bid(request).status, 204) << "1500 - the 1000 in flight leaves 500: not a $1 CPM bid";
    EXPECT_EQ(lease.charged_micros.load(), 1000);
    const std::string stats = *e.state.stats_json.load();
    EXPECT_NE(stats.find(R"("revoked_micros":3000)"), std::string::npos) << stats;
}

TEST(SharedBudgetControlLoop, LifetimeBudgetsAreSharedScopesToo) {
    const Config config = make_config({{.id = "li", .extra = "lifetime_budget = 3.0"}},
                                      {{.daily_budget = "0", .extra = "lifetime_budget = 20.0"}});
    TestEngine e(config);
    FakeSharedBudget shared;
    shared.lease = 3000;
    e.control.set_shared_budget(&shared);
    e.control.tick();
    ASSERT_EQ(shared.last.size(), 2u);
    EXPECT_EQ(shared.last[0].scope, "campaign:cmp:lifetime");
    EXPECT_TRUE(shared.last[0].lifetime);
    EXPECT_EQ(shared.last[0].budget, 20'000'000);
    EXPECT_EQ(shared.last[1].scope, "line_item:li:lifetime");
    EXPECT_EQ(shared.last[1].budget, 3'000'000);
    EXPECT_EQ(e.shard.line_items[e.index_of("li")].granted_micros.load(), 3000);
}

TEST(SharedBudgetControlLoop, WithoutASharedLedgerNothingChanges) {
    const Config config = make_config({{.id = "li"}}, {{.daily_budget = "10.0"}});
    TestEngine e(config);
    e.control.tick();
    EXPECT_EQ(e.shard.line_items[e.index_of("li")].granted_micros.load(), 10'000) << "budget / 1000, as ever";
    EXPECT_EQ(e.state.stats_json.load()->find("shared_budget"), std::string::npos);
}

// ---- three real engines sharing one campaign's daily budget ----

constexpr std::int64_t kDailyBudget = 500'000;  // $0.50 a day
constexpr std::int64_t kCharge = 1'000;    // a $1.00 CPM bid, won at its price
constexpr std::int64_t kTolerance = kDailyBudget / 100;

std::filesystem::path shared_campaign_config() {
    MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n";
    c.daily_budget = 0.5;
    c.campaign_extra = "pacing = \"asap\"\n";
    return write_mini_config("shared_budget.toml", c);
}

// The same campaign with a lifetime budget of $0.50 and no daily budget.
std::filesystem::path lifetime_campaign_config() {
    MiniConfig c;
    c.engine = "shards = 1\ncontrol_tick_ms = 50\n";
    c.daily_budget = 0;
    c.campaign_extra = "pacing = \"asap\"\nlifetime_budget = 0.5\n";
    return write_mini_config("lifetime_budget.toml", c);
}

std::unique_ptr<EngineProcess> start_node(const RedisServer& redis, const std::string& node,
                                          std::vector<std::string> extra = {},
                                          const std::filesystem::path& config = shared_campaign_config()) {
    std::vector<std::string> args{"serve",
                                  "--config",
                                  config.string(),
                                  "--budget-ledger",
                                  redis.url("shared"),
                                  "--node",
                                  node,
                                  "--budget-lease-ttl-ms",
                                  "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<EngineProcess>(args);
}

// An exchange hammering one engine: bid requests back to back, and every
// bid won at its price (the win notice is sent before the next request).
class Exchange {
public:
    explicit Exchange(EngineProcess& engine) : engine_(engine), thread_([this] { run(); }) {}
    ~Exchange() { stop(); }
    void stop() {
        go_ = false;
        if (thread_.joinable()) thread_.join();
    }
    [[nodiscard]] std::int64_t billed() const { return billed_.load(); }
    [[nodiscard]] SteadyClock::time_point last_bid() const {
        return SteadyClock::time_point(SteadyClock::duration(last_bid_.load()));
    }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    void run() {
        try {
            HttpClient c(engine_.host(), engine_.port());
            const std::string request = read_file(simple_banner_request_file());
            simdjson::dom::parser parser;
            while (go_.load()) {
                const HttpResponse r = c.post_bid(request);
                if (r.status != 200) {
                    std::this_thread::sleep_for(1ms);
                    continue;
                }
                last_bid_ = SteadyClock::now().time_since_epoch().count();
                std::string nurl(
                    std::string_view(parser.parse(r.body)["seatbid"].at(0)["bid"].at(0)["nurl"].get_string()));
                nurl = nurl.substr(nurl.find("/v1/notice/"));
                const std::string macro = "${AUCTION_PRICE}";
                nurl.replace(nurl.find(macro), macro.size(), "1.0");
                if (c.request("GET", nurl).status != 200) throw std::runtime_error("win notice refused");
                billed_ += kCharge;
            }
        } catch (const std::exception& e) {
            error_ = e.what();
        }
    }

    EngineProcess& engine_;
    std::atomic<bool> go_{true};
    std::atomic<std::int64_t> billed_{0};
    std::atomic<SteadyClock::rep> last_bid_{SteadyClock::now().time_since_epoch().count()};
    std::string error_;
    std::thread thread_;
};

// The campaign's spend today as the engine's /v1/stats says.
std::int64_t campaign_spend(EngineProcess& engine) {
    HttpClient c(engine.host(), engine.port());
    simdjson::dom::parser parser;
    const HttpResponse r = c.request("GET", "/v1/stats");
    simdjson::dom::element doc = parser.parse(r.body);
    for (simdjson::dom::element camp : doc["campaigns"].get_array())
        if (std::string_view(camp["id"].get_string()) == "cmp") return camp["spend_micros"].get_int64();
    return -1;
}

// Waits until the engine's ledger holds every win it was sent.
std::int64_t settled_spend(EngineProcess& engine, std::int64_t billed) {
    const auto deadline = SteadyClock::now() + 10s;
    std::int64_t spend = -1;
    while (SteadyClock::now() < deadline && (spend = campaign_spend(engine)) != billed)
        std::this_thread::sleep_for(20ms);
    return spend;
}

// Lets the exchanges bid until none got a bid for `quiet` (the budget is gone).
void run_until_spent(const std::vector<Exchange*>& exchanges, std::chrono::milliseconds quiet) {
    const auto deadline = SteadyClock::now() + 60s;
    while (SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
        auto last = SteadyClock::time_point::min();
        for (const Exchange* e : exchanges) last = std::max(last, e->last_bid());
        if (SteadyClock::now() - last > quiet) return;
    }
    ADD_FAILURE() << "the engines were still bidding after 60 s";
}

std::string shared_key() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
    return std::string("shared:budget:campaign:cmp:") + date;  // the campaign's zone is UTC
}

TEST(RedisBudgetLedgerEngines, ThreeEnginesBiddingTogetherStayWithinTheBudget) {
    RedisServer redis;
    std::vector<std::unique_ptr<EngineProcess>> engines;
    for (const char* node : {"a", "b", "c"}) engines.push_back(start_node(redis, node));
    std::vector<std::unique_ptr<Exchange>> exchanges;
    for (auto& e : engines) exchanges.push_back(std::make_unique<Exchange>(*e));
    run_until_spent({exchanges[0].get(), exchanges[1].get(), exchanges[2].get()}, 2500ms);
    std::int64_t total = 0;
    for (std::size_t i = 0; i < engines.size(); ++i) {
        exchanges[i]->stop();
        EXPECT_EQ(exchanges[i]->error(), "");
        const std::int64_t spend = settled_spend(*engines[i], exchanges[i]->billed());
        EXPECT_EQ(spend, exchanges[i]->billed()) << engines[i]->describe();
        EXPECT_GT(spend, 0) << "every engine got a share";
        total += spend;
    }
    // The protocol's bound: budget + tolerance. A node whose control thread
    // stalls past its Redis lease (a loaded 2-core CI machine) stops its
    // shards at the lease deadline, but bids already in flight still settle,
    // so a bid or two over the budget remains possible — never more than the
    // outstanding leases, which the tolerance covers.
    EXPECT_LE(total, kDailyBudget + kTolerance);
    EXPECT_GE(total, kDailyBudget - 3 * kCharge) << "together they spend the budget, less than a bid per engine";
    RedisClient client(redis.host(), redis.port());
    const auto deadline = SteadyClock::now() + 5s;
    while (SteadyClock::now() < deadline && field(client, shared_key(), "spend") != total)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(field(client, shared_key(), "spend"), total) << "every engine reported its spend";
}

TEST(RedisBudgetLedgerEngines, TwoEnginesShareALifetimeBudget) {
    RedisServer redis;
    const auto config = lifetime_campaign_config();
    auto a = start_node(redis, "a", {}, config), b = start_node(redis, "b", {}, config);
    Exchange xa(*a), xb(*b);
    run_until_spent({&xa, &xb}, 2500ms);
    xa.stop();
    xb.stop();
    const std::int64_t spend_a = settled_spend(*a, xa.billed()), spend_b = settled_spend(*b, xb.billed());
    EXPECT_EQ(spend_a, xa.billed());
    EXPECT_EQ(spend_b, xb.billed());
    EXPECT_GT(spend_a, 0);
    EXPECT_GT(spend_b, 0);
    // Each engine alone would spend the whole $0.50: together they spend it once.
    EXPECT_LE(spend_a + spend_b, kDailyBudget + kTolerance);
    EXPECT_GE(spend_a + spend_b, kDailyBudget - 2 * kCharge);
    RedisClient client(redis.host(), redis.port());
    const std::string key = "shared:budget:campaign:cmp:lifetime";
    const auto deadline = SteadyClock::now() + 5s;
    while (SteadyClock::now() < deadline && field(client, key, "spend") != spend_a + spend_b)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(field(client, key, "spend"), spend_a + spend_b) << "one key for the flight, not one per day";
    EXPECT_GT(std::stoll(client.command({"PTTL", key})), std::int64_t{30} * 24 * 3'600'000)
        << "a lifetime key outlives a day's";
}

TEST(RedisBudgetLedgerEngines, AnEngineKilledHoldingALeaseFreesItAfterTheTtl) {
    RedisServer redis;
    constexpr std::int64_t kVictimLease = kDailyBudget / 100;  // --budget-lease-share 0.01
    auto a = start_node(redis, "a"), b = start_node(redis, "b");
    auto victim = start_node(redis, "victim", {"--budget-lease-share", "0.01"});
    Exchange xa(*a), xb(*b);
    auto xv = std::make_unique<Exchange>(*victim);
    RedisClient client(redis.host(), redis.port());
    const std::string key = shared_key();
    auto deadline = SteadyClock::now() + 30s;
    while (SteadyClock::now() < deadline && field(client, key, "spend") < kDailyBudget / 4)
        std::this_thread::sleep_for(20ms);
    ASSERT_GE(field(client, key, "spend"), kDailyBudget / 4);

    // The victim stops bidding, reports all it spent, and holds an idle lease: then SIGKILL.
    xv->stop();
    const std::int64_t victim_spend = xv->billed();
    ASSERT_GT(victim_spend, 0);
    deadline = SteadyClock::now() + 10s;
    while (SteadyClock::now() < deadline &&
           (field(client, key, "spend:victim") != victim_spend || field(client, key, "lease:victim") != kVictimLease))
        std::this_thread::sleep_for(10ms);
    ASSERT_EQ(field(client, key, "spend:victim"), victim_spend);
    ASSERT_EQ(field(client, key, "lease:victim"), kVictimLease);
    victim->send_signal(SIGKILL);
    ASSERT_TRUE(victim->wait_exit(30s));

    // The survivors bid on; the victim's lease blocks budget only until its ttl.
    run_until_spent({&xa, &xb}, 3000ms);
    xa.stop();
    xb.stop();
    EXPECT_EQ(client.command({"HEXISTS", key, "lease:victim"}), "0") << "the dead engine's lease expired";
    const std::int64_t spend_a = settled_spend(*a, xa.billed()), spend_b = settled_spend(*b, xb.billed());
    EXPECT_EQ(spend_a, xa.billed());
    EXPECT_EQ(spend_b, xb.billed());
    const std::int64_t total = spend_a + spend_b + victim_spend;
    EXPECT_LE(total, kDailyBudget + kTolerance);
    EXPECT_LE(total, kDailyBudget + kVictimLease) << "the overspend bound: the dead engine's lease";
    EXPECT_GE(total, kDailyBudget - 2 * kCharge)
        << "the survivors spent the freed lease too (else ≤ budget - " << kVictimLease << ")";
}

}  // namespace
}  // namespace bidline::test
