// The injected clock. The hot path reads it once per request; tests use a
// ManualClock and replay a simulated one, so nothing reads the system time
// behind the engine's back.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace bidline {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
public:
    Timestamp now() const override {
        return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    }
};

// Thread-safe settable clock for tests and replay.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Timestamp t = Timestamp{}) : us_(t.time_since_epoch().count()) {}
    Timestamp now() const override { return Timestamp{std::chrono::microseconds{us_.load(std::memory_order_relaxed)}}; }
    void set(Timestamp t) { us_.store(t.time_since_epoch().count(), std::memory_order_relaxed); }
    void advance(std::chrono::microseconds d) { us_.fetch_add(d.count(), std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> us_;
};

}  // namespace bidline
