#include <algorithm>
#include <cassert>
#include <cmath>

#include "bidline/pacing/response_curve.h"

namespace bidline {

double ChannelCurve::response(double x) const {
    if (x <= 0) return 0.0;
    if (shape == CurveShape::logistic) {
        const double e = std::exp(-x / kappa);
        return beta * (1.0 - e) / (1.0 + e);
    }
    return beta / (1.0 + std::pow(kappa / x, slope));
}

double ChannelCurve::marginal(double x) const {
    if (shape == CurveShape::logistic) {
        const double e = std::exp(-std::max(x, 0.0) / kappa);
        return beta * 2.0 * e / (kappa * (1.0 + e) * (1.0 + e));
    }
    if (x <= 0) return slope < 1 ? INFINITY : (slope == 1 ? beta / kappa : 0.0);
    const double r = std::pow(kappa / x, slope);
    return beta * slope * r / (x * (1.0 + r) * (1.0 + r));
}

double ChannelCurve::inflection() const {
    if (shape == CurveShape::logistic || slope <= 1) return 0.0;
    return kappa * std::pow((slope - 1) / (slope + 1), 1.0 / slope);
}

double ChannelCurve::spend_at_marginal(double m, double from, double to) const {
    assert(from <= to);
    if (marginal(to) >= m) return to;
    if (marginal(from) <= m) return from;
    if (shape == CurveShape::logistic) {
        // 2β e/(κ(1+e)²) = m is a quadratic in e = e^{-x/κ}; take the root in (0, 1].
        const double q = m * kappa / (2 * beta);
        const double e = q >= 0.25 ? 1.0 : ((1 - 2 * q) - std::sqrt(1 - 4 * q)) / (2 * q);
        return std::clamp(-kappa * std::log(e), from, to);
    }
    // Newton on v = log x for log marginal(e^v) = log m, kept inside a bracket:
    // d log marginal / dv = (s-1) - 2s·u^s/(1+u^s) with u = x/κ.
    double lo = std::log(std::max(from, kappa * 1e-12)), hi = std::log(to);
    // Start from the tail approximation f'(x) ≈ βsκˢ/x^{s+1} (x ≫ κ): Newton
    // then needs a handful of steps instead of bisecting a range of decades.
    double v = (std::log(beta * slope / m) + slope * std::log(kappa)) / (slope + 1);
    if (!(v > lo && v < hi)) v = 0.5 * (lo + hi);
    const double target = std::log(m);
    for (int i = 0; i < 100 && hi - lo > 1e-13; ++i) {
        const double x = std::exp(v);
        const double phi = std::log(marginal(x)) - target;
        if (phi > 0) lo = v; else hi = v;
        const double us = std::pow(x / kappa, slope);
        const double dphi = (slope - 1) - 2 * slope * us / (1 + us);
        double next = dphi < 0 ? v - phi / dphi : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::abs(next - v) < 1e-13 * (1 + std::abs(v))) { v = next; break; }
        v = next;
    }
    return std::clamp(std::exp(v), from, to);
}

}  // namespace bidline
