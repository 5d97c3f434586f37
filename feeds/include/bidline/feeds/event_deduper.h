// Counts each event id once: "have I seen this id within the dedupe
// window?" in bounded memory (see rotating_key_table.h for the exact
// guarantee). The window runs on arrival time, not event time: a retried
// delivery arrives soon after the first however old the event is. One
// instance per owner thread (the control thread, or a shard when events are
// routed to shards by id); not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "bidline/feeds/event.h"
#include "bidline/feeds/rotating_key_table.h"

namespace bidline::feeds {

class EventDeduper {
public:
    // Memory: about 32 bytes × `capacity` (two tables at half load).
    EventDeduper(std::size_t capacity, std::chrono::microseconds window) : seen_(capacity, window) {}

    // True the first time `event_key` (see event_keys.h) is offered within
    // the window; false for a duplicate, which is counted.
    [[nodiscard]] bool first_time(std::uint64_t event_key, UtcMicros now) {
        seen_.advance(now);
        if (seen_.find(event_key) != nullptr) {
            ++duplicates_;
            return false;
        }
        seen_.insert(event_key, now);
        return true;
    }

    std::uint64_t duplicates() const { return duplicates_; }
    // Rotations forced by a full table: each one shortens the window.
    std::uint64_t early_rotations() const { return seen_.early_rotations(); }
    std::size_t remembered() const { return seen_.size(); }

private:
    struct Nothing {};
    RotatingKeyTable<Nothing> seen_;
    std::uint64_t duplicates_ = 0;
};

}  // namespace bidline::feeds
