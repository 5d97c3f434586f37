// Remembers 64-bit keys (with a small value each) for a time window in
// bounded memory: two fixed-capacity open-addressing tables, "current" and
// "previous". When the window has passed since the current table started it
// becomes the previous one and the old previous is cleared. A key is thus
// remembered at least one window and at most two after insertion. If the
// current table fills up before its window is over it rotates early
// (counted): memory stays bounded, the window shrinks under overload.
// Allocates only in the constructor. Single-threaded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "bidline/feeds/event.h"

namespace bidline::feeds {

template <class Value>
class RotatingKeyTable {
public:
    // `capacity` keys per table; each table has twice as many slots so that
    // linear probes stay short.
    RotatingKeyTable(std::size_t capacity, std::chrono::microseconds window)
        : capacity_(capacity == 0 ? 1 : capacity), window_(window) {
        std::size_t slots = 2;
        while (slots < 2 * capacity_) slots *= 2;
        current_.slots.resize(slots);
        previous_.slots.resize(slots);
    }

    // Call with the (monotonic-ish) arrival time before find/insert.
    void advance(UtcMicros now) {
        if (!started_) {
            started_ = true;
            current_start_ = now;
            return;
        }
        if (now < current_start_ + window_) return;
        if (now >= current_start_ + 2 * window_) {
            // Everything in `current` was inserted more than a window ago.
            previous_.clear();
            current_.clear();
        } else {
            rotate();
        }
        current_start_ = now;
    }

    Value* find(std::uint64_t key) {
        if (Value* v = current_.find(key)) return v;
        return previous_.find(key);
    }

    // Inserts into the current table (the key must not be present in it);
    // returns the new value slot.
    Value& insert(std::uint64_t key, UtcMicros now) {
        if (current_.used >= capacity_) {
            ++early_rotations_;
            rotate();
            current_start_ = now;
        }
        return current_.insert(key);
    }

    // Removes a key from whichever table holds it.
    void erase(std::uint64_t key) {
        if (!current_.erase(key)) previous_.erase(key);
    }

    std::size_t size() const { return current_.used + previous_.used; }
    std::uint64_t early_rotations() const { return early_rotations_; }
    std::size_t capacity() const { return capacity_; }

private:
    struct Slot {
        std::uint64_t key = 0;  // 0: empty
        Value value{};
    };

    struct Table {
        std::vector<Slot> slots;
        std::size_t used = 0;

        std::size_t mask() const { return slots.size() - 1; }

        Value* find(std::uint64_t key) {
            for (std::size_t i = key & mask();; i = (i + 1) & mask()) {
                if (slots[i].key == key) return &slots[i].value;
                if (slots[i].key == 0) return nullptr;
            }
        }

        Value& insert(std::uint64_t key) {
            std::size_t i = key & mask();
            while (slots[i].key != 0 && slots[i].key != key) i = (i + 1) & mask();
            if (slots[i].key == 0) ++used;
            slots[i].key = key;
            slots[i].value = Value{};
            return slots[i].value;
        }

        // Backward-shift deletion: no tombstones, probes stay short.
        bool erase(std::uint64_t key) {
            std::size_t i = key & mask();
            while (slots[i].key != key) {
                if (slots[i].key == 0) return false;
                i = (i + 1) & mask();
            }
            for (std::size_t j = (i + 1) & mask(); slots[j].key != 0; j = (j + 1) & mask()) {
                const std::size_t home = slots[j].key & mask();
                // Move j back into the hole at i unless its home lies in (i, j].
                const bool home_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
                if (!home_between) {
                    slots[i] = slots[j];
                    i = j;
                }
            }
            slots[i] = Slot{};
            --used;
            return true;
        }

        void clear() {
            if (used == 0) return;
            for (Slot& s : slots) s = Slot{};
            used = 0;
        }
    };

    void rotate() {
        std::swap(current_, previous_);
        current_.clear();
    }

    std::size_t capacity_;
    std::chrono::microseconds window_;
    bool started_ = false;
    UtcMicros current_start_{};
    std::uint64_t early_rotations_ = 0;
    Table current_;
    Table previous_;
};

}  // namespace bidline::feeds
