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

}  // namespace bidline
