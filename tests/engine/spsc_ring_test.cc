// SpscRing: the shard -> control hand-off. Single-threaded tests pin down
// FIFO order, the full/empty edges and index wraparound; the two-thread test
// passes a million sequenced items and is the one TSan checks.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "bidline/engine/shard_event.h"
#include "bidline/engine/spsc_ring.h"

namespace bidline {
namespace {

TEST(SpscRing, PopsInPushOrder) {
    SpscRing<int> ring(8);
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(ring.try_push(i));
    EXPECT_EQ(ring.size_approx(), 5u);
    for (int i = 1; i <= 5; ++i) {
        int out = 0;
        ASSERT_TRUE(ring.try_pop(out));
        EXPECT_EQ(out, i);
    }
    int out = 0;
    EXPECT_FALSE(ring.try_pop(out));
    EXPECT_EQ(ring.size_approx(), 0u);
}

TEST(SpscRing, EmptyRingPopsNothingAndLeavesTheOutputAlone) {
    SpscRing<int> ring(4);
    int out = 42;
    EXPECT_FALSE(ring.try_pop(out));
    EXPECT_EQ(out, 42);
}

TEST(SpscRing, FullRingRejectsPushUntilAnItemIsPopped) {
    SpscRing<int> ring(4);
    EXPECT_EQ(ring.capacity(), 4u);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(ring.try_push(i));
    EXPECT_FALSE(ring.try_push(99));
    EXPECT_FALSE(ring.try_push(100));
    int out = -1;
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out, 0);
    EXPECT_TRUE(ring.try_push(4));
    EXPECT_FALSE(ring.try_push(5));
    // The rejected items never appear.
    for (int want : {1, 2, 3, 4}) {
        ASSERT_TRUE(ring.try_pop(out));
        EXPECT_EQ(out, want);
    }
    EXPECT_FALSE(ring.try_pop(out));
}

TEST(SpscRing, WrapsAroundManyTimesWithoutLosingOrder) {
    SpscRing<std::uint64_t> ring(4);
    std::uint64_t next_in = 0, next_out = 0;
    // Uneven batches so that head and tail cross the slot boundary at every offset.
    for (int round = 0; round < 1000; ++round) {
        const int push = 1 + round % 4;
        for (int k = 0; k < push; ++k)
            if (ring.try_push(next_in)) ++next_in;
        const int pop = 1 + (round * 7) % 4;
        for (int k = 0; k < pop; ++k) {
            std::uint64_t out = 0;
            if (!ring.try_pop(out)) break;
            ASSERT_EQ(out, next_out) << "round " << round;
            ++next_out;
        }
        ASSERT_LE(next_in - next_out, ring.capacity());
    }
    EXPECT_GT(next_in, 1000u);
    std::uint64_t out = 0;
    while (ring.try_pop(out)) ASSERT_EQ(out, next_out++);
    EXPECT_EQ(next_out, next_in);
}

TEST(SpscRing, CarriesShardEventsIntact) {
    SpscRing<ShardEvent> ring(2);
    const ShardEvent in{ShardEventKind::win, 0, 3, 17, make_bid_key(3, 99), 2'500, 1'700'000'000'000'000};
    ASSERT_TRUE(ring.try_push(in));
    ShardEvent out;
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out.kind, ShardEventKind::win);
    EXPECT_EQ(out.shard, 3);
    EXPECT_EQ(out.line_item, 17u);
    EXPECT_EQ(out.bid_key, make_bid_key(3, 99));
    EXPECT_EQ(out.micros, 2'500);
    EXPECT_EQ(out.t_us, 1'700'000'000'000'000);
}

// One producer, one consumer, a small ring so that both sides keep hitting
// full and empty. Each item carries its sequence number and a checksum of
// it, so a torn or stale slot read shows up as well as loss or reordering.
TEST(SpscRing, TwoThreadsPassAMillionItemsWithoutLossOrReorder) {
    struct Item {
        std::uint64_t seq;
        std::uint64_t check;
    };
    constexpr std::uint64_t kItems = 1'000'000;
    auto check_of = [](std::uint64_t seq) { return seq * 0x9E3779B97F4A7C15ull ^ 0xA5A5A5A5A5A5A5A5ull; };
    SpscRing<Item> ring(64);

    std::thread producer([&] {
        for (std::uint64_t seq = 0; seq < kItems;) {
            if (ring.try_push(Item{seq, check_of(seq)}))
                ++seq;
            else
                std::this_thread::yield();
        }
    });

    std::uint64_t expected = 0, bad_order = 0, bad_check = 0;
    while (expected < kItems) {
        Item item{};
        if (!ring.try_pop(item)) {
            std::this_thread::yield();
            continue;
        }
        if (item.seq != expected) ++bad_order;
        if (item.check != check_of(item.seq)) ++bad_check;
        expected = item.seq + 1;
    }
    producer.join();

    EXPECT_EQ(bad_order, 0u);
    EXPECT_EQ(bad_check, 0u);
    EXPECT_EQ(expected, kItems);
    Item extra{};
    EXPECT_FALSE(ring.try_pop(extra));
}

}  // namespace
}  // namespace bidline
