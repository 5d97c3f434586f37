#include "bidline/pacing/dual_multiplier_controller.h"

#include <algorithm>
#include <cmath>

namespace bidline {

PacingKnobs DualMultiplierController::update(const PacingSignal& s) {
    mu_ = std::clamp(mu_ + p_.step_per_s * relative_overspend(s) * s.dt_seconds, p_.mu_min, p_.mu_max);
    return {1.0 / (1.0 + mu_), 1.0};
}

bool DualMultiplierController::restore(std::span<const double> state) {
    if (state.size() != 1 || !std::isfinite(state[0])) return false;
    mu_ = std::clamp(state[0], p_.mu_min, p_.mu_max);
    return true;
}

}  // namespace bidline
