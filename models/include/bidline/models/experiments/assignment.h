// Stable assignment of users to experiment arms: a hash of (experiment id,
// user id) picks the arm, so a user sees the same arm on every request, on
// every shard and after restarts, with no stored state. A holdout slice gets
// no bids at all: comparing it with the exposed users measures what the
// advertising added (incrementality). Allocation-free; safe on the bid path.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace bidline::experiments {

struct ArmWeight {
    std::string_view name;
    double weight = 1;  // relative
};

struct ArmAssignment {
    bool holdout = false;  // true: do not bid for this user
    std::size_t arm = 0;   // index into the arms (meaningless in holdout)
};

// FNV-1a 64 of an id: the key a user (or an experiment) is known by. The
// bid path hashes each request's user once; the control thread receives
// users as keys only, and must still assign them exactly as the bid path did.
std::uint64_t id_key(std::string_view id);

// A uniform number in [0, 1) from the experiment and user keys (mixed, then
// a SplitMix64 finaliser so similar ids spread evenly). noexcept, no
// allocation: the bid path calls it per eligible campaign.
double assignment_hash(std::uint64_t experiment_key, std::uint64_t user_key) noexcept;
inline double assignment_hash(std::string_view experiment_id, std::string_view user_id) {
    return assignment_hash(id_key(experiment_id), id_key(user_id));
}

// `holdout_share` of users (by hash) are held out; the rest split by weight.
ArmAssignment assign_arm(std::string_view experiment_id, std::string_view user_id, std::span<const ArmWeight> arms,
                         double holdout_share);

}  // namespace bidline::experiments
