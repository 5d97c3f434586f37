// Duplicate event ids count once within the window, in bounded memory.
#include "bidline/feeds/event_deduper.h"

#include <gtest/gtest.h>

#include "bidline/feeds/event_keys.h"

namespace bidline::feeds {
namespace {

using namespace std::chrono;

const UtcMicros kStart{sys_days{year{2026} / 11 / 23}};

TEST(EventDeduper, DuplicateWithinTheWindowIsCountedOnce) {
    EventDeduper dedupe(1000, minutes{10});
    EXPECT_TRUE(dedupe.first_time(text_key("e1"), kStart));
    EXPECT_TRUE(dedupe.first_time(text_key("e2"), kStart + seconds{1}));
    EXPECT_FALSE(dedupe.first_time(text_key("e1"), kStart + minutes{9}));
    EXPECT_FALSE(dedupe.first_time(text_key("e2"), kStart + minutes{15}));  // still in the previous table
    EXPECT_EQ(dedupe.duplicates(), 2u);
}

TEST(EventDeduper, IdsAreRememberedAtLeastOneWindowAndForgottenAfterTwo) {
    EventDeduper dedupe(1000, minutes{10});
    EXPECT_TRUE(dedupe.first_time(text_key("e1"), kStart));
    EXPECT_TRUE(dedupe.first_time(text_key("e2"), kStart + minutes{9}));
    EXPECT_FALSE(dedupe.first_time(text_key("e2"), kStart + minutes{18}));  // rotated at 18, e2 now in previous
    EXPECT_TRUE(dedupe.first_time(text_key("e1"), kStart + minutes{28}));   // rotated again: e1 forgotten
    EXPECT_TRUE(dedupe.first_time(text_key("e3"), kStart + hours{5}));      // long gap: both tables cleared
    EXPECT_EQ(dedupe.remembered(), 1u);
}

TEST(EventDeduper, MemoryStaysBoundedUnderOverload) {
    EventDeduper dedupe(100, hours{1});
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(dedupe.first_time(text_key("id-" + std::to_string(i)), kStart));
    EXPECT_LE(dedupe.remembered(), 200u);
    EXPECT_EQ(dedupe.early_rotations(), 9u);
    // The most recent ids are still known.
    EXPECT_FALSE(dedupe.first_time(text_key("id-999"), kStart));
    EXPECT_FALSE(dedupe.first_time(text_key("id-850"), kStart));
}

TEST(RotatingKeyTable, EraseKeepsOtherKeysFindable) {
    RotatingKeyTable<int> table(8, minutes{1});
    table.advance(kStart);
    // Keys that collide on the same home slot (low bits equal).
    for (std::uint64_t k : {16u, 32u, 48u, 17u, 64u}) table.insert(k, kStart) = static_cast<int>(k);
    table.erase(32);
    for (std::uint64_t k : {16u, 48u, 17u, 64u}) {
        ASSERT_NE(table.find(k), nullptr) << k;
        EXPECT_EQ(*table.find(k), static_cast<int>(k));
    }
    EXPECT_EQ(table.find(32), nullptr);
    EXPECT_EQ(table.size(), 4u);
}

}  // namespace
}  // namespace bidline::feeds
