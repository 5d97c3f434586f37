#include "bidline/pacing/throttle_controller.h"

#include <algorithm>
#include <cmath>

namespace bidline {

PacingKnobs ThrottleController::update(const PacingSignal& s) {
    pass_ = std::clamp(pass_ * std::exp(-p_.gain_per_s * relative_overspend(s) * s.dt_seconds), p_.min_pass, 1.0);
    return {1.0, pass_};
}

bool ThrottleController::restore(std::span<const double> state) {
    if (state.size() != 1 || !std::isfinite(state[0])) return false;
    pass_ = std::clamp(state[0], p_.min_pass, 1.0);
    return true;
}

}  // namespace bidline
