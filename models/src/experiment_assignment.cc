#include <cassert>

#include "bidline/config/stable_hash.h"
#include "bidline/models/experiments/assignment.h"

namespace bidline::experiments {

std::uint64_t id_key(std::string_view id) { return fnv1a(id); }

double assignment_hash(std::uint64_t experiment_key, std::uint64_t user_key) noexcept {
    // The multiply keeps (e, u) and (u, e) apart; the finaliser spreads the bits.
    std::uint64_t h = experiment_key ^ (user_key * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

ArmAssignment assign_arm(std::string_view experiment_id, std::string_view user_id, std::span<const ArmWeight> arms,
                         double holdout_share) {
    assert(!arms.empty());
    const double u = assignment_hash(experiment_id, user_id);
    if (u < holdout_share) return {true, 0};
    // Rescale the non-holdout part to [0, 1) so arm shares stay as weighted.
    const double v = (u - holdout_share) / (1.0 - holdout_share);
    double total = 0;
    for (const auto& a : arms) total += a.weight;
    double edge = 0;
    for (std::size_t i = 0; i < arms.size(); ++i) {
        edge += arms[i].weight / total;
        if (v < edge) return {false, i};
    }
    return {false, arms.size() - 1};
}

}  // namespace bidline::experiments
