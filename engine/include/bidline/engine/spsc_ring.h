// Single-producer single-consumer ring of trivially copyable items: how a
// shard hands events to the control thread without locks or allocation.
// Producer: exactly one thread (a shard). Consumer: exactly one thread
// (control). Capacity is a power of two fixed at construction.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace bidline {

inline constexpr std::size_t kCacheLine = 64;

template <class T>
class SpscRing {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    explicit SpscRing(std::size_t capacity_pow2) : mask_(capacity_pow2 - 1), slots_(new T[capacity_pow2]) {
        assert(capacity_pow2 >= 2 && (capacity_pow2 & mask_) == 0);
    }

    // Producer side. Returns false when full: the caller counts the drop.
    bool try_push(const T& item) {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_cache_ > mask_) {
            // acquire: see the consumer's reads of the slot finished before reuse
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head - tail_cache_ > mask_) return false;
        }
        slots_[head & mask_] = item;
        head_.store(head + 1, std::memory_order_release);  // publish the slot's contents
        return true;
    }

    // Consumer side.
    bool try_pop(T& out) {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_cache_) {
            head_cache_ = head_.load(std::memory_order_acquire);  // see the producer's slot write
            if (tail == head_cache_) return false;
        }
        out = slots_[tail & mask_];
        tail_.store(tail + 1, std::memory_order_release);  // hand the slot back to the producer
        return true;
    }

    std::size_t capacity() const { return mask_ + 1; }
    std::size_t size_approx() const {
        return head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_relaxed);
    }

private:
    const std::size_t mask_;
    std::unique_ptr<T[]> slots_;
    // Producer and consumer indices on their own cache lines: no false sharing.
    alignas(kCacheLine) std::atomic<std::size_t> head_{0};
    std::size_t tail_cache_ = 0;  // producer's last view of tail
    alignas(kCacheLine) std::atomic<std::size_t> tail_{0};
    std::size_t head_cache_ = 0;  // consumer's last view of head
};

}  // namespace bidline
