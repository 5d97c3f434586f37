#include "bidline/pacing/traffic_profile.h"

#include <cmath>

namespace bidline {
namespace {

// Relative requests per hour of a typical day of display traffic.
constexpr std::array<double, 24> kPrior = {0.45, 0.35, 0.30, 0.27, 0.27, 0.32, 0.45, 0.65, 0.85, 0.95, 1.00, 1.00,
                                           1.05, 1.00, 0.95, 0.95, 1.00, 1.10, 1.20, 1.30, 1.35, 1.25, 1.00, 0.70};
// An hour counts as seen once this much of it was observed: a few minutes
// of traffic make a noisy rate.
constexpr double kMinSeconds = 600;

}  // namespace

double TrafficProfile::prior(int hour_of_day) { return kPrior[static_cast<std::size_t>(hour_of_day % 24)]; }

void TrafficProfile::observe(int how, double requests, double seconds) {
    if (how < 0 || how >= kHours || seconds <= 0) return;
    requests_[static_cast<std::size_t>(how)] += requests;
    seconds_[static_cast<std::size_t>(how)] += seconds;
}

bool TrafficProfile::restore(const std::array<double, kHours>& requests, const std::array<double, kHours>& seconds) {
    for (int h = 0; h < kHours; ++h)
        if (!(requests[h] >= 0 && seconds[h] >= 0 && std::isfinite(requests[h]) && std::isfinite(seconds[h])))
            return false;
    requests_ = requests;
    seconds_ = seconds;
    return true;
}

std::array<double, TrafficProfile::kHours> TrafficProfile::weights() const {
    std::array<double, kHours> w{};
    std::array<double, 24> by_hour_req{}, by_hour_sec{};
    double seen_rate = 0, seen_prior = 0;
    for (int h = 0; h < kHours; ++h) {
        if (seconds_[h] < kMinSeconds) continue;
        by_hour_req[h % 24] += requests_[h];
        by_hour_sec[h % 24] += seconds_[h];
        seen_rate += requests_[h] / seconds_[h];
        seen_prior += prior(h);
    }
    const double scale = seen_prior > 0 && seen_rate > 0 ? seen_rate / seen_prior : 1.0;
    for (int h = 0; h < kHours; ++h) {
        if (seconds_[h] >= kMinSeconds)
            w[h] = requests_[h] / seconds_[h];
        else if (by_hour_sec[h % 24] >= kMinSeconds)
            w[h] = by_hour_req[h % 24] / by_hour_sec[h % 24];
        else
            w[h] = prior(h) * scale;
        if (w[h] <= 0) w[h] = 1e-9 * scale;  // an hour with no traffic still orders the plan
    }
    return w;
}

}  // namespace bidline
