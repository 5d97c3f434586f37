// Publication of read-mostly state (Catalog, ControlState, rendered stats)
// from one writer thread to the shards. The writer publishes a new
// immutable object; each shard keeps its own shared_ptr copy and checks a
// version counter (one relaxed load) between requests, loading the new
// pointer only when it changed. The old object is freed when the last shard
// drops it — the shared_ptr count is our quiescence tracking. The
// atomic<shared_ptr> access (which may spin briefly in libstdc++) happens
// only on a change, never per request.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace bidline {

template <class T>
class Snapshot {
public:
    explicit Snapshot(std::shared_ptr<const T> initial = {}) : ptr_(std::move(initial)) {}

    // Writer side.
    void publish(std::shared_ptr<const T> next) {
        ptr_.store(std::move(next), std::memory_order_release);
        version_.fetch_add(1, std::memory_order_release);  // after the store: a reader seeing it sees the pointer
    }

    // Reader side: refreshes `local` if a newer object was published.
    // Returns true when it changed.
    bool refresh(std::shared_ptr<const T>& local, std::uint64_t& seen) const {
        const std::uint64_t v = version_.load(std::memory_order_acquire);
        if (v == seen && local) return false;
        local = ptr_.load(std::memory_order_acquire);
        seen = v;
        return true;
    }

    std::shared_ptr<const T> load() const { return ptr_.load(std::memory_order_acquire); }
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

private:
    std::atomic<std::shared_ptr<const T>> ptr_;
    std::atomic<std::uint64_t> version_{1};
};

}  // namespace bidline
