// Publication of read-mostly state (Catalog, ControlState, rendered stats)
// from one writer thread to the shards. The writer publishes a new
// immutable object; each shard keeps its own shared_ptr copy and checks a
// version counter (one acquire load) between requests, copying the new
// pointer only when it changed. The old object is freed when the last shard
// drops it — the shared_ptr count is our quiescence tracking.
//
// The pointer copy itself sits behind a mutex, taken only when a new
// version was published (a few times a second), never per request: it is
// held for one shared_ptr copy, and unlike libstdc++ 12's
// atomic<shared_ptr> (a lock bit TSan cannot see) it is checkable by TSan.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

namespace bidline {

template <class T>
class Snapshot {
public:
    explicit Snapshot(std::shared_ptr<const T> initial = {}) : ptr_(std::move(initial)) {}

    // Writer side.
    void publish(std::shared_ptr<const T> next) {
        std::shared_ptr<const T> old;
        {
            std::lock_guard lock(mutex_);
            old = std::exchange(ptr_, std::move(next));
        }
        version_.fetch_add(1, std::memory_order_release);  // after the store: a reader seeing it sees the pointer
    }  // `old` is released outside the lock

    // Reader side: refreshes `local` if a newer object was published.
    // Returns true when it changed.
    bool refresh(std::shared_ptr<const T>& local, std::uint64_t& seen) const {
        const std::uint64_t v = version_.load(std::memory_order_acquire);
        if (v == seen && local) return false;
        local = load();
        seen = v;
        return true;
    }

    std::shared_ptr<const T> load() const {
        std::lock_guard lock(mutex_);
        return ptr_;
    }
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

private:
    mutable std::mutex mutex_;  // off the per-request path: see the header comment
    std::shared_ptr<const T> ptr_;
    std::atomic<std::uint64_t> version_{1};
};

}  // namespace bidline
