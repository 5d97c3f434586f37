// What a shard tells the control thread: bids it placed (with the amount
// charged against its lease) and the notices and events it received. Fixed
// size and trivially copyable, so it travels through an SpscRing.
#pragma once

#include <cstdint>

namespace bidline {

enum class ShardEventKind : std::uint8_t { bid, win, billing, loss, click, conversion };

struct ShardEvent {
    ShardEventKind kind = ShardEventKind::bid;
    std::uint16_t shard = 0;
    std::uint32_t line_item = 0;  // dense index in the catalog of the bid
    std::uint64_t bid_key = 0;    // shard << 48 | sequence: the bid id
    std::int64_t micros = 0;      // bid: charge; win/billing: price paid; conversion: value
    std::int64_t t_us = 0;        // event time, µs since epoch
};

// Bid ids travel as 16 hex digits of the bid key.
inline std::uint64_t make_bid_key(std::uint16_t shard, std::uint64_t seq) { return (std::uint64_t{shard} << 48) | (seq & ((std::uint64_t{1} << 48) - 1)); }
inline std::uint16_t bid_key_shard(std::uint64_t key) { return static_cast<std::uint16_t>(key >> 48); }

}  // namespace bidline
