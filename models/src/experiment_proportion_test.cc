#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "bidline/models/experiments/proportion_test.h"

namespace bidline::experiments {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) {
    if (!(p > 0 && p < 1)) throw std::invalid_argument("normal_quantile: p must be in (0, 1)");
    // Acklam's rational approximation (relative error ~1e-9), then Halley
    // steps on the exact CDF to reach full precision.
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                   1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01, -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
    constexpr double low = 0.02425;
    double x;
    if (p < low || p > 1 - low) {
        const double q = std::sqrt(-2 * std::log(p < low ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        if (p > 1 - low) x = -x;
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    for (int i = 0; i < 2; ++i) {
        const double e = normal_cdf(x) - p;
        const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
        x -= u / (1 + x * u / 2);
    }
    return x;
}

ZTest two_proportion_z_test(Proportion a, Proportion b, double alpha) {
    if (a.trials <= 0 || b.trials <= 0) throw std::invalid_argument("both arms need trials > 0");
    if (a.conversions < 0 || b.conversions < 0 || a.conversions > a.trials || b.conversions > b.trials)
        throw std::invalid_argument("conversions must be between 0 and trials");
    const double pa = a.rate(), pb = b.rate();
    const double na = static_cast<double>(a.trials), nb = static_cast<double>(b.trials);
    const double pooled = static_cast<double>(a.conversions + b.conversions) / (na + nb);
    const double se_pooled = std::sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
    ZTest t;
    t.difference = pb - pa;
    t.z = se_pooled > 0 ? t.difference / se_pooled : 0;
    t.p_value = se_pooled > 0 ? std::erfc(std::abs(t.z) / std::sqrt(2.0)) : 1.0;
    const double se = std::sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
    const double z = normal_quantile(1 - alpha / 2);
    t.ci_low = t.difference - z * se;
    t.ci_high = t.difference + z * se;
    return t;
}

double probability_b_beats_a(Proportion a, Proportion b) {
    if (a.trials < 0 || b.trials < 0 || a.conversions < 0 || b.conversions < 0 || a.conversions > a.trials ||
        b.conversions > b.trials)
        throw std::invalid_argument("conversions must be between 0 and trials");
    auto log_beta = [](double x, double y) { return std::lgamma(x) + std::lgamma(y) - std::lgamma(x + y); };
    const double alpha_a = 1.0 + static_cast<double>(a.conversions), beta_a = 1.0 + static_cast<double>(a.trials - a.conversions);
    const double alpha_b = 1.0 + static_cast<double>(b.conversions), beta_b = 1.0 + static_cast<double>(b.trials - b.conversions);
    // P = Σ_{i<α_B} B(α_A+i, β_A+β_B) / ((β_B+i) B(1+i, β_B) B(α_A, β_A)).
    double total = 0;
    const double base = log_beta(alpha_a, beta_a);
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(alpha_b); ++i) {
        const double di = static_cast<double>(i);
        total += std::exp(log_beta(alpha_a + di, beta_a + beta_b) - std::log(beta_b + di) - log_beta(1 + di, beta_b) - base);
    }
    return std::min(1.0, std::max(0.0, total));
}

double sample_size_per_arm(double base, double mde, double power, double alpha) {
    const double p1 = base, p2 = base * (1 + mde);
    if (!(p1 > 0 && p1 < 1) || !(p2 > 0 && p2 < 1) || mde == 0)
        throw std::invalid_argument("need 0 < base < 1, mde != 0 and 0 < base·(1+mde) < 1");
    if (!(power > 0 && power < 1) || !(alpha > 0 && alpha < 1)) throw std::invalid_argument("power and alpha must be in (0, 1)");
    const double za = normal_quantile(1 - alpha / 2), zb = normal_quantile(power);
    const double pbar = (p1 + p2) / 2;
    const double n = std::pow(za * std::sqrt(2 * pbar * (1 - pbar)) + zb * std::sqrt(p1 * (1 - p1) + p2 * (1 - p2)), 2) /
                     ((p2 - p1) * (p2 - p1));
    return n;
}

}  // namespace bidline::experiments
