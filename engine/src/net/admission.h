// Admission control for bid requests: before a request's body is parsed,
// decide whether it can still be answered in time. A request that cannot
// gets a fast 204 with a counted ShedReason instead of a late bid.
//
// Two rules, both on how long the request has already waited (from the
// kernel's receive timestamp, see HttpConnection):
//   tmax_expired  - it waited half its deadline (tmax, or the configured
//                   default deadline when tmax is absent). The other half is
//                   for the bid path, the write and the trip back to the
//                   exchange, whose tmax covers the whole round trip.
//   shed_overload - the shard has not been idle once for kOverloadInterval
//                   (a standing queue, not a burst) and the request waited
//                   kOverloadTarget or more; or the shard has not been idle
//                   for kBehindBusy and more of the request's connection's
//                   bytes were already waiting behind it in the kernel
//                   ("behind": it is not the newest, and the client may hold
//                   still more it could not send - time the receive timestamp
//                   cannot see). Shedding costs a fraction of bidding, so the
//                   shard catches up with every connection and decides the
//                   freshest requests; the answers it gives stay near the
//                   target instead of creeping to the deadline.
// This is "controlled delay" queueing (CoDel, as Facebook runs it for RPC
// queues): tolerate bursts, never a standing queue.
//
// One per shard, on its thread only; no locks, no allocation.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bidline/engine/shard_counters.h"

namespace bidline::net {

// The top-level "tmax" of a JSON object, in ms: a depth-aware scan (strings
// and nesting are skipped), not a parse. nullopt when absent, not a positive
// integer, or the text is not an object. A nested "tmax" (e.g. in ext) is
// never taken for the request's.
[[nodiscard]] std::optional<std::uint32_t> peek_tmax_ms(std::string_view json);

// Whether the connection had more bytes waiting in the kernel when the
// request was read.
enum class Backlog : std::uint8_t { drained, behind };

class AdmissionControl {
public:
    static constexpr std::int64_t kOverloadIntervalUs = 50'000;  // busy this long without an idle moment = overloaded
    static constexpr std::int64_t kOverloadTargetUs = 5'000;     // the wait a standing queue is cut back to
    // Busy this long, a request with more of its connection's bytes behind it
    // is shed: long enough that a scheduler hiccup on a shared machine does
    // not shed, short enough to bound the wait the shard cannot see.
    static constexpr std::int64_t kBehindBusyUs = 20'000;
    // Below this wait nothing can be shed (half of tmax = 1 ms, the smallest
    // deadline there is): fresh requests skip the tmax scan.
    static constexpr std::int64_t kFreshUs = 500;

    explicit AdmissionControl(std::chrono::milliseconds default_deadline)
        : default_deadline_us_(std::chrono::duration_cast<std::chrono::microseconds>(default_deadline).count()) {}

    // The shard's event loop found no ready work at `now_us`.
    void note_idle(std::int64_t now_us) { last_idle_us_ = now_us; }
    [[nodiscard]] bool overloaded(std::int64_t now_us) const { return now_us - last_idle_us_ > kOverloadIntervalUs; }

    // nullopt = admit. `body` is the raw JSON, or empty when it cannot be
    // read without work (gzip): the default deadline applies then.
    [[nodiscard]] std::optional<ShedReason> check(std::int64_t waited_us, std::int64_t now_us, std::string_view body,
                                                  Backlog backlog) const;

private:
    std::int64_t default_deadline_us_;
    std::int64_t last_idle_us_ = 0;  // 0: a shard that has not run yet counts as overloaded only once it runs
};

}  // namespace bidline::net
