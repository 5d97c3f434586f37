#include "bidline/pacing/pid_controller.h"

#include <algorithm>
#include <cmath>

namespace bidline {

PacingKnobs PidController::update(const PacingSignal& s) {
    const double e = -relative_overspend(s);
    const double de = started_ && s.dt_seconds > 0 ? (e - last_error_) / s.dt_seconds : 0.0;
    started_ = true;
    last_error_ = e;
    // Anti-windup: the integral alone never asks for more than φ's range.
    integral_ = p_.ki > 0 ? std::clamp(integral_ + e * s.dt_seconds, p_.phi_min / p_.ki, p_.phi_max / p_.ki) : 0.0;
    const double phi = std::clamp(p_.kp * e + p_.ki * integral_ + p_.kd * de, p_.phi_min, p_.phi_max);
    return {std::exp(phi), 1.0};
}

std::vector<double> PidController::state() const { return {integral_, last_error_, started_ ? 1.0 : 0.0}; }

bool PidController::restore(std::span<const double> state) {
    if (state.size() != 3 || !std::isfinite(state[0]) || !std::isfinite(state[1])) return false;
    integral_ = p_.ki > 0 ? std::clamp(state[0], p_.phi_min / p_.ki, p_.phi_max / p_.ki) : 0.0;
    last_error_ = state[1];
    started_ = state[2] != 0.0;
    return true;
}

}  // namespace bidline
