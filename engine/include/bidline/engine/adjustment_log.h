// Bid and budget adjustments for platform-managed campaigns (Campaign::
// managed_by): the values the control loop wants the ad platform to use —
// a target CPA / target ROAS / max CPC and a daily budget — published for
// connectors through GET /v1/adjustments?since=SEQ.
//
// AdjustmentLog is an append-only sequence with a bounded in-memory window
// (the newest `capacity` adjustments). Sequence numbers are time-based:
// seq = max(previous seq + 1, time in µs since the epoch), so they never go
// backwards for a connector across a restart, and they stay below 2^53
// (exact in JSON doubles). The newest adjustments and what was last sent
// per field are saved with the pacing state (pacing_state.h), so a restart
// neither forgets them nor re-sends unchanged values.
//
// AdjustmentGate is the rate-limit rule (platform APIs are rate-limited):
// a value goes out when it moved by at least the threshold since the last
// one sent for that field (as a factor either way: ×1.05 and ÷1.05 are both
// 5 %), or — a smaller move — once the last one sent is
// `max_quiet` old; an unchanged value is never re-sent. Pure; tests drive it
// with a ManualClock's times.
//
// Threads: the control thread appends (a few times per minute at most);
// HTTP handlers on shard threads read. One mutex guards the window: it is
// never taken on the bid path, only by the control loop's adjustment step
// and by /v1/adjustments requests, so a lock is simpler than a lock-free
// structure and costs nothing that matters.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/campaign_model.h"
#include "bidline/engine/json_writer.h"

namespace bidline {

enum class AdjustmentKind : std::uint8_t { bid, budget };
enum class AdjustmentField : std::uint8_t { target_cpa, target_roas, max_cpc, daily_budget };
enum class AdjustmentReason : std::uint8_t {
    initial,          // first value for this field since the process started
    controller,       // the pacing controller moved it (platform-reported spend vs plan)
    optimizer_plan,   // the campaign's daily budget changed (optimizer plan or config)
    manual_override,  // the campaign's bid_multiplier_override
    safety_clamp,     // the controller wanted more; the safety limits held it
};
std::string_view to_string(AdjustmentKind);
std::string_view to_string(AdjustmentField);
std::string_view to_string(AdjustmentReason);

struct Adjustment {
    std::uint64_t seq = 0;  // assigned by AdjustmentLog::append
    std::int64_t time_us = 0;
    std::string campaign;  // our campaign id
    AdPlatform platform = AdPlatform::none;
    std::string platform_campaign_id;
    AdjustmentKind kind = AdjustmentKind::bid;
    AdjustmentField field = AdjustmentField::target_cpa;
    // Micros of the account currency; target_roas: the ratio × 1e6.
    std::int64_t value_micros = 0;
    std::optional<std::int64_t> previous_micros;  // the last value sent for this field (none: first)
    AdjustmentReason reason = AdjustmentReason::controller;
    double multiplier = 1.0;  // the controller's multiplier behind a bid (1 for budgets)
};

// {"seq":…, "time_us":…, "campaign":…, …, "value": 12.5, "value_micros": 12500000, …}
void write_json(JsonWriter& j, const Adjustment& a);

class AdjustmentLog {
public:
    explicit AdjustmentLog(std::size_t capacity = 100'000) : capacity_(capacity == 0 ? 1 : capacity) {}

    // Control thread. Assigns and returns the sequence number.
    std::uint64_t append(Adjustment a);

    struct Page {
        std::vector<Adjustment> adjustments;
        // Pass as `since` next time: the last adjustment returned, or (when
        // fewer than `limit` matched) the newest one scanned, or `since`.
        std::uint64_t next_since = 0;
        // Adjustments after `since` left the window before this read.
        bool truncated = false;
    };
    // Any thread: adjustments with seq > since (of `platform` only, unless
    // none), oldest first, at most `limit`.
    Page since(std::uint64_t since, AdPlatform platform, std::size_t limit) const;

    std::uint64_t last_seq() const;
    std::size_t size() const;

    // Control thread: adjustments appended between hold() and release() stay
    // out of since() until release(), i.e. until the state naming them is
    // saved (nothing a connector has read can be lost in a crash).
    void hold();
    void release();

    // The newest `n`, oldest first (saved with the pacing state), and their
    // return at start: the window is replaced and sequence numbers continue
    // after the newest restored one.
    struct Tail {
        std::vector<Adjustment> adjustments;
        std::uint64_t evicted_through = 0;  // the newest seq not among them (0: none was left out)
    };
    Tail newest(std::size_t n) const;
    void restore(Tail saved);

private:
    const std::size_t capacity_;
    mutable std::mutex mu_;  // control-thread appends vs HTTP reads; never on the bid path
    std::deque<Adjustment> window_;
    std::uint64_t last_seq_ = 0;
    std::uint64_t evicted_through_ = 0;  // seq of the newest adjustment dropped from the window
    std::uint64_t visible_through_ = ~std::uint64_t{0};  // since() shows nothing newer (hold/release)
};

struct AdjustmentThresholds {
    double bid_change = 0.05;              // move (as a factor, either way) that goes out at once
    double budget_change = 0.0;            // budgets are plan decisions: every change goes out
    std::chrono::seconds max_quiet{3600};  // a smaller move goes out once the last send is this old
};

// The rate-limit rule of one (campaign, field); see the header comment.
class AdjustmentGate {
public:
    // Whether `wanted` should be sent at `now_us` under relative threshold `threshold`.
    bool should_send(std::int64_t wanted, std::int64_t now_us, double threshold, std::chrono::seconds max_quiet) const;
    void sent(std::int64_t value, std::int64_t now_us) {
        last_ = value;
        last_us_ = now_us;
    }
    std::optional<std::int64_t> last() const { return last_; }
    std::int64_t last_us() const { return last_us_; }

private:
    std::optional<std::int64_t> last_;
    std::int64_t last_us_ = 0;
};

}  // namespace bidline
