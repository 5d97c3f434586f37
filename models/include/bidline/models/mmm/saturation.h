// Saturation: diminishing returns of spend within one period. Hill is
// x^s/(κ^s+x^s): κ is the spend at half saturation, a slope s > 1 makes the
// curve S-shaped (a threshold before media works). Logistic is
// (1-e^{-x/κ})/(1+e^{-x/κ}): concave everywhere. Both run from 0 to 1; the
// fitted coefficient β scales them to outcome units, so β is the ceiling.
#pragma once

#include <optional>
#include <string_view>

namespace bidline::mmm {

enum class SaturationKind { hill, logistic };

struct Saturation {
    SaturationKind kind = SaturationKind::hill;
    double kappa = 1.0;  // hill: half-saturation spend; logistic: scale
    double slope = 1.0;  // hill only
};

double saturate(const Saturation& s, double x);
// d saturate / dx, for marginal ROI.
double saturation_derivative(const Saturation& s, double x);

std::string_view saturation_name(SaturationKind k);
std::optional<SaturationKind> parse_saturation_kind(std::string_view name);

}  // namespace bidline::mmm
