// Seconds since a user was last seen, for the model feature
// seconds_since_last_seen: a fixed direct-mapped table per shard (user
// hash → last request time), so it never allocates after start. A user
// whose slot another user took reads as first seen, as does one whose
// previous request went to another shard — the feature is a hint, and
// training (training_rows.h) counts from the same kind of partial view.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "bidline/config/stable_hash.h"

namespace bidline {

class RecencyTable {
public:
    static constexpr std::size_t kSlots = std::size_t{1} << 16;
    RecencyTable() : slots_(new Slot[kSlots]) {}

    // Seconds since `user`'s previous visit (negative: unknown), and
    // remembers this one. Empty ids are not tracked.
    double visit(std::string_view user, std::int64_t now_us) noexcept {
        if (user.empty()) return -1.0;
        const std::uint64_t h = fnv1a(user) | 1;  // never 0: 0 marks an empty slot
        Slot& s = slots_[(h * 0x9E3779B97F4A7C15ull) >> 48];
        const double seconds = s.user == h && now_us >= s.last_us ? static_cast<double>(now_us - s.last_us) / 1e6 : -1.0;
        s.user = h;
        s.last_us = now_us;
        return seconds;
    }

private:
    struct Slot {
        std::uint64_t user = 0;
        std::int64_t last_us = 0;
    };
    std::unique_ptr<Slot[]> slots_;
};

}  // namespace bidline
