// Creative selection within a line item: Thompson sampling on clicks per
// impression (Beta-Bernoulli), and creative fatigue detection.
//
// Threads and lifecycle:
// - CreativeBandit (one per line item) lives on the control thread only:
//   record() the line item's impressions and clicks per creative as the feed
//   delivers them, evaluate() on each tick (fatigue states), snapshot() to
//   publish. Not thread-safe.
// - CreativeBanditSnapshot is immutable; publish it by pointer swap with the
//   catalog or ControlState. Bid-path threads call choose() concurrently,
//   each with its own Xorshift64Star: no allocation, no locks, no exceptions.
//
// Sampling. Creative i's CTR posterior is Beta(a0 + clicks, b0 + non-clicks);
// the prior (a0, b0) has the line item's pooled CTR as its mean, worth
// `prior_impressions` impressions, so a new creative starts near its
// siblings rather than at 50%. choose() draws one CTR per eligible creative,
// multiplies it by the creative's weight (1 ok, fatigued_weight when
// fatigued) and returns the argmax. A Beta draw is X/(X+Y) with X, Y Gamma
// draws (Marsaglia–Tsang; shape < 1 boosted by U^(1/a)).
//
// Fatigue. Impressions and clicks go into time buckets (default hourly).
// At evaluate(now), over complete buckets: recent = the last
// `recent_buckets`, history = the `history_buckets` before them. With at
// least min_recent/min_history impressions, the one-sided two-proportion
// z-test (pooled SE) of H0 "recent CTR >= history CTR" is applied:
//   declined  ⇔  z <= −z(1 − alpha)  and  recent CTR <= fatigue_ratio · history CTR
// (significant *and* large enough to matter; alpha is strict because every
// creative is re-tested every bucket). ok → fatigued when declined;
// fatigued → ok when there is enough recent data and no decline;
// fatigued → retired when it has stayed fatigued for retire_after_buckets
// without such evidence of recovery. Retired is final (a retired creative
// gets no traffic, so no data could revive it) until reinstate().
// Fatigued creatives keep fatigued_weight; retired ones are not served.
// If every eligible creative is retired, choose() still picks one of them
// by the same sampling (at weight 1): the line item keeps delivering its
// least-bad creative rather than silently stopping; the snapshot flags it
// (all_retired) for stats and alerts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bidline::models {

using BanditTime = std::chrono::sys_time<std::chrono::microseconds>;  // = bidline::Timestamp

// xorshift64* (Vigna 2016): 8 bytes of state, one per bid-path thread.
struct Xorshift64Star {
    std::uint64_t state;
    explicit Xorshift64Star(std::uint64_t seed) noexcept : state(seed != 0 ? seed : 0x9e3779b97f4a7c15ull) {}
    std::uint64_t next() noexcept {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545f4914f6cdd1dull;
    }
    // Uniform on the open interval (0, 1): safe under log().
    double uniform() noexcept { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
};

// Draws for the sampler (exposed for tests; choose() uses them).
[[nodiscard]] double sample_standard_normal(Xorshift64Star& rng) noexcept;
[[nodiscard]] double sample_gamma(double shape, Xorshift64Star& rng) noexcept;  // scale 1, shape > 0
[[nodiscard]] double sample_beta(double a, double b, Xorshift64Star& rng) noexcept;

enum class CreativeState : std::uint8_t { ok, fatigued, retired };
[[nodiscard]] const char* to_string(CreativeState state) noexcept;

struct CreativeBanditConfig {
    double prior_impressions = 100;    // strength of the pooled-CTR prior
    double default_prior_ctr = 0.002;  // prior mean when the line item has no impressions yet (= kPriorCtr)
    std::chrono::microseconds bucket = std::chrono::hours(1);
    std::size_t recent_buckets = 24;
    std::size_t history_buckets = 168;  // a week before the recent day
    double min_recent_impressions = 5000;
    double min_history_impressions = 20000;
    double alpha = 0.001;        // one-sided test level: z <= −3.09
    double fatigue_ratio = 0.8;  // recent CTR at most 80% of history's
    std::size_t retire_after_buckets = 24;
    double fatigued_weight = 0.5;
};

// What stats and dashboards show per creative.
struct CreativeStatus {
    CreativeState state = CreativeState::ok;
    std::string reason;                  // e.g. "recent CTR 1.02% vs 2.01% (ratio 0.51, z = -9.8, 24 h vs 168 h)"
    double impressions = 0, clicks = 0;  // all time
    double recent_impressions = 0, recent_clicks = 0;
    double history_impressions = 0, history_clicks = 0;
    double z = 0;  // of the last test; 0 when there was not enough data
};

class CreativeBanditSnapshot {
public:
    struct Arm {
        double a = 1, b = 1;  // Beta posterior
        double weight = 1;    // 1 ok, fatigued_weight, 0 retired
        CreativeState state = CreativeState::ok;
    };
    explicit CreativeBanditSnapshot(std::vector<Arm> arms);

    // Index (into the line item's creatives) of the creative to serve among
    // `eligible`. Indices out of range are skipped; nullopt when none is left
    // (an empty list).
    [[nodiscard]] std::optional<std::uint32_t> choose(std::span<const std::uint32_t> eligible,
                                                      Xorshift64Star& rng) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return arms_.size(); }
    [[nodiscard]] const Arm& arm(std::size_t i) const noexcept { return arms_[i]; }
    [[nodiscard]] bool all_retired() const noexcept { return all_retired_; }

private:
    std::vector<Arm> arms_;
    bool all_retired_ = false;
};

class CreativeBandit {
public:
    CreativeBandit(std::size_t creatives, const CreativeBanditConfig& config);  // throws std::invalid_argument

    // Creatives are indexed 0..size()−1 in the line item's order.
    std::uint32_t add_creative();
    [[nodiscard]] std::size_t size() const noexcept { return creatives_.size(); }

    // Counts observed at `when` (an impression's time; a click is counted in
    // its impression's bucket when the caller knows it, else its own).
    // Buckets older than the history window only reach the totals.
    void record(std::uint32_t creative, double impressions, double clicks, BanditTime when);
    // Re-runs the fatigue test of every creative over the complete buckets before `now`.
    void evaluate(BanditTime now);
    // Manual override: back to ok, recent/history windows cleared.
    void reinstate(std::uint32_t creative);

    [[nodiscard]] const CreativeStatus& status(std::uint32_t creative) const { return creatives_.at(creative).status; }
    [[nodiscard]] CreativeBanditSnapshot snapshot() const;
    [[nodiscard]] const CreativeBanditConfig& config() const noexcept { return config_; }

private:
    struct Bucket {
        std::int64_t index = -1;  // bucket number since the epoch; −1 = empty slot
        double impressions = 0, clicks = 0;
    };
    struct Creative {
        std::vector<Bucket> ring;  // recent + history + the current bucket, by index modulo size
        CreativeStatus status;
        std::int64_t fatigued_since = 0;  // bucket number
    };

    [[nodiscard]] std::int64_t bucket_of(BanditTime t) const noexcept;
    void evaluate_one(Creative& c, std::int64_t current_bucket);

    CreativeBanditConfig config_;
    double z_critical_ = 0;
    std::vector<Creative> creatives_;
};

}  // namespace bidline::models
