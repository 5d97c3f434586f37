#include <cmath>

#include "bidline/models/mmm/saturation.h"

namespace bidline::mmm {

double saturate(const Saturation& s, double x) {
    if (x <= 0) return 0.0;
    if (s.kind == SaturationKind::logistic) {
        const double e = std::exp(-x / s.kappa);
        return (1.0 - e) / (1.0 + e);
    }
    // x^s/(κ^s+x^s) = 1/(1+(κ/x)^s): one pow, no overflow for large x.
    return 1.0 / (1.0 + std::pow(s.kappa / x, s.slope));
}

double saturation_derivative(const Saturation& s, double x) {
    if (s.kind == SaturationKind::logistic) {
        const double e = std::exp(-std::max(x, 0.0) / s.kappa);
        return 2.0 * e / (s.kappa * (1.0 + e) * (1.0 + e));
    }
    if (x <= 0) return s.slope < 1 ? INFINITY : (s.slope == 1 ? 1.0 / s.kappa : 0.0);
    const double r = std::pow(s.kappa / x, s.slope);  // (κ/x)^s
    return s.slope * r / (x * (1.0 + r) * (1.0 + r));
}

std::string_view saturation_name(SaturationKind k) { return k == SaturationKind::hill ? "hill" : "logistic"; }

std::optional<SaturationKind> parse_saturation_kind(std::string_view name) {
    if (name == "hill") return SaturationKind::hill;
    if (name == "logistic") return SaturationKind::logistic;
    return std::nullopt;
}

}  // namespace bidline::mmm
