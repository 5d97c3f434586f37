#include "bidline/pacing/pacing_controller.h"

#include <algorithm>

#include "bidline/pacing/dual_multiplier_controller.h"
#include "bidline/pacing/pid_controller.h"
#include "bidline/pacing/throttle_controller.h"

namespace bidline {

double relative_overspend(const PacingSignal& s) {
    if (s.target_rate <= 0) return s.realised_rate > 0 ? 4.0 : 0.0;
    return std::clamp((s.realised_rate - s.target_rate) / s.target_rate, -1.0, 4.0);
}

std::string_view to_string(PacingControllerKind k) {
    switch (k) {
        case PacingControllerKind::throttle: return "throttle";
        case PacingControllerKind::dual: return "dual";
        case PacingControllerKind::pid: return "pid";
    }
    return "unknown";
}

std::optional<PacingControllerKind> parse_pacing_controller(std::string_view s) {
    if (s == "throttle") return PacingControllerKind::throttle;
    if (s == "dual") return PacingControllerKind::dual;
    if (s == "pid") return PacingControllerKind::pid;
    return std::nullopt;
}

std::unique_ptr<PacingController> make_pacing_controller(PacingControllerKind kind, BidDirection direction) {
    const bool down_only = direction == BidDirection::down_only;
    switch (kind) {
        case PacingControllerKind::throttle: return std::make_unique<ThrottleController>();
        case PacingControllerKind::pid: {
            PidController::Params p;
            if (down_only) p.phi_max = 0.0;
            return std::make_unique<PidController>(p);
        }
        case PacingControllerKind::dual: break;
    }
    DualMultiplierController::Params p;
    if (down_only) p.mu_min = 0.0;
    return std::make_unique<DualMultiplierController>(p);
}

}  // namespace bidline
