// Budget safety under concurrency: several shard threads bid flat out
// against a tiny budget while the control loop ticks on its own thread and
// every bid comes back as a win (or a loss) through the shards' rings, as
// the router pushes them. Spend must never pass the budget. Also run under
// TSan (label engine; the tsan preset).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;

TEST(ControlLoopLeaseStress, ManyShardsFlatOutNeverSpendPastATinyBudget) {
    constexpr int kShards = 4;
    constexpr std::int64_t kBudget = 500'000;  // 0.50 a day at a 2.50 CPM: 200 impressions
    Config config = test::make_config({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "0.5"}});
    config.engine.shards = kShards;
    config.engine.control_tick = 1ms;
    ManualClock clock(test::test_noon());
    EngineState state(config, clock);
    ControlLoop control(state);
    control.start();

    const std::string request = test::request_json(test::kBannerImp, test::kSite);
    std::atomic<bool> go{true};
    std::atomic<std::uint64_t> bids{0};
    std::vector<std::thread> shards;
    for (int s = 0; s < kShards; ++s)
        shards.emplace_back([&, s] {
            ShardResources& shard = *state.shards[static_cast<std::size_t>(s)];
            BidPath path(state, shard);
            std::uint64_t n = 0;
            while (go.load(std::memory_order_relaxed)) {
                const BidAnswer a = path.handle(request, clock.now(), nullptr, ResponseMode::decide_only);
                if (a.status != 200) {
                    std::this_thread::yield();
                    continue;
                }
                for (const PlacedBid& b : path.last_bids()) {
                    // Two bids in three win at their price; the third loses.
                    const bool won = ++n % 3 != 0;
                    const ShardEvent e{won ? ShardEventKind::win : ShardEventKind::loss, 0, shard.id, b.line_item,
                                       b.bid_key, won ? b.charge.value() : 0, clock.now().time_since_epoch().count()};
                    while (!shard.events.try_push(e)) std::this_thread::yield();
                }
                bids.fetch_add(1, std::memory_order_relaxed);
            }
        });
    std::this_thread::sleep_for(400ms);
    go = false;
    for (auto& t : shards) t.join();
    control.stop();  // drains the rings once more

    const auto li = state.catalog.load()->find_line_item("mrec")->index.value;
    const LineItemLedger& l = control.ledger(li);
    EXPECT_LE(l.spend_today, kBudget);
    EXPECT_LE(l.committed(), kBudget);
    EXPECT_EQ(l.bids, bids.load()) << "every bid reached the ledger";
    EXPECT_GE(l.spend_today, kBudget / 2) << "the shards should have spent most of the budget";
    for (int s = 0; s < kShards; ++s) {
        const LineItemShardState& lease = state.shards[static_cast<std::size_t>(s)]->line_items[li];
        EXPECT_LE(lease.charged_micros.load(), lease.granted_micros.load()) << "shard " << s;
    }
}

}  // namespace
}  // namespace bidline
