// ModelSet: the scoring models the bid path uses, as one immutable snapshot
// published by the model registry (model_registry.h) whenever a version is
// activated, shadowed, A/B-tested or rolled back. Shards pick it up between
// requests like the catalog, so a swap neither drops nor stalls a request:
// a request finishes on the models it started with.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "bidline/models/drift_reference.h"
#include "bidline/models/scorer.h"

namespace bidline {

// What a model predicts. Indexes ModelSet::roles.
enum class ModelRole : std::uint8_t { click, conversion, value };
inline constexpr std::size_t kModelRoles = 3;
std::string_view to_string(ModelRole);

// How a role's candidate version takes part next to the active one.
//   shadow: on `share` of requests the candidate scores too; its predictions
//           are counted (per-version stats) but never bid with.
//   ab:     requests whose stable hash of (user or request id, experiment)
//           falls in `share` are scored and bid by the candidate instead.
enum class CandidateMode : std::uint8_t { none, shadow, ab };
std::string_view to_string(CandidateMode);

// One loaded version of a model.
struct ServedModel {
    std::shared_ptr<const models::Scorer> scorer;  // null = no model
    std::uint32_t version = 0;                     // registry version (v1 = 1)
    std::int64_t trained_at_us = 0;
    // Held-out calibration from training (metrics.json), for /v1/predict's
    // intervals; empty when the bundle has none.
    std::vector<models::CalibrationInterval> calibration;
    // The training rows' distributions, for drift (PSI, KS); may be empty.
    std::shared_ptr<const models::DriftReference> reference;
    explicit operator bool() const { return scorer != nullptr; }
};

struct RoleModels {
    ServedModel active;
    ServedModel candidate;
    CandidateMode mode = CandidateMode::none;
    std::uint32_t share_permille = 0;   // of requests, see CandidateMode
    std::uint64_t experiment_salt = 0;  // stable_hash of the experiment name
};

struct ModelSet {
    std::uint64_t generation = 0;  // bumps on every publication
    std::array<RoleModels, kModelRoles> roles{};
    std::int64_t max_age_us = 0;   // 0 = models never go stale
    const RoleModels& role(ModelRole r) const { return roles[static_cast<std::size_t>(r)]; }
    // Whether the active model of `r` may be used at `now_us`.
    bool fresh(ModelRole r, std::int64_t now_us) const {
        const ServedModel& m = role(r).active;
        return m && (max_age_us == 0 || now_us - m.trained_at_us <= max_age_us);
    }
};

}  // namespace bidline
