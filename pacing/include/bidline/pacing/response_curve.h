// A channel's response to spend per period, as the media-mix model fits it:
// Hill β·xˢ/(κˢ+xˢ) (S-shaped when s > 1) or logistic
// β·(1-e^{-x/κ})/(1+e^{-x/κ}) (concave). With the spend bounds the planner
// may move it within, it is the input of the budget optimizer.
#pragma once

#include <limits>
#include <string>

namespace bidline {

enum class CurveShape { hill, logistic };

struct ChannelCurve {
    std::string name;
    CurveShape shape = CurveShape::hill;
    double beta = 0;      // response ceiling
    double kappa = 1;     // hill: half-saturation spend; logistic: scale
    double slope = 1;     // hill only
    double lower = 0;     // spend bounds
    double upper = std::numeric_limits<double>::infinity();
    double current = 0;   // spend today, the anchor of max-change limits
    double beta_sd = 0;   // uncertainty of beta (from the MMM bootstrap); 0 if unknown

    [[nodiscard]] double response(double spend) const;
    [[nodiscard]] double marginal(double spend) const;  // d response / d spend
    // Where the curve turns from convex to concave (0 for concave curves).
    [[nodiscard]] double inflection() const;
    // The spend in [from, to] where marginal == m, for a range on which the
    // marginal is decreasing (the concave part); clamps to the ends.
    [[nodiscard]] double spend_at_marginal(double m, double from, double to) const;
};

}  // namespace bidline
