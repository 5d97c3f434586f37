#include "bidline/pacing/pacing_plan.h"

#include <algorithm>

namespace bidline {

PacingPlan PacingPlan::make(PacingMode mode, const Daypart& daypart, int weekday,
                            const std::array<double, 168>& traffic) {
    PacingPlan p;
    std::array<double, 24> w{};
    int on_hours = 0;
    for (int h = 0; h < 24; ++h) on_hours += daypart.on[static_cast<std::size_t>(weekday * 24 + h)];
    int k = 0;  // index among the on-hours, for the front-loaded ramp
    for (int h = 0; h < 24; ++h) {
        const auto slot = static_cast<std::size_t>(weekday * 24 + h);
        if (!daypart.on[slot]) continue;
        switch (mode) {
            case PacingMode::even: w[h] = 1.0; break;
            case PacingMode::traffic: w[h] = traffic[slot]; break;
            case PacingMode::front_loaded:
                w[h] = traffic[slot] * (on_hours > 1 ? 1.5 - static_cast<double>(k) / (on_hours - 1) : 1.0);
                break;
            case PacingMode::asap: w[h] = 0.0; break;
        }
        ++k;
    }
    double total = 0;
    for (double x : w) total += x;
    if (mode == PacingMode::asap) {
        // Everything allowed from the first on-hour of the day.
        p.asap_ = true;
        for (int h = 0; h < 24 && p.first_on_ < 0; ++h)
            if (daypart.on[static_cast<std::size_t>(weekday * 24 + h)]) p.first_on_ = h;
        for (int h = 0; h <= 24; ++h) p.cum_[h] = p.first_on_ >= 0 && h > p.first_on_ ? 1.0 : 0.0;
        return p;
    }
    double acc = 0;
    for (int h = 0; h < 24; ++h) {
        p.cum_[h] = total > 0 ? acc / total : 0.0;
        acc += w[h];
    }
    p.cum_[24] = total > 0 ? 1.0 : 0.0;
    return p;
}

double PacingPlan::cumulative(double seconds) const {
    const double hours = std::clamp(seconds / 3600.0, 0.0, 24.0);
    const int h = std::min(23, static_cast<int>(hours));
    if (asap_) return first_on_ >= 0 && h >= first_on_ ? 1.0 : 0.0;
    return cum_[h] + (cum_[h + 1] - cum_[h]) * (hours - h);
}

}  // namespace bidline
