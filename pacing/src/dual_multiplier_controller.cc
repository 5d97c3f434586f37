#include "bidline/pacing/dual_multiplier_controller.h"

#include <algorithm>

namespace bidline {

PacingKnobs DualMultiplierController::update(const PacingSignal& s) {
    mu_ = std::clamp(mu_ + p_.step_per_s * relative_overspend(s) * s.dt_seconds, p_.mu_min, p_.mu_max);
    return {1.0 / (1.0 + mu_), 1.0};
}

}  // namespace bidline
