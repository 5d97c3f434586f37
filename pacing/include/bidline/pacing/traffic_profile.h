// How traffic is spread over the hours of a week, learned from the engine's
// own request counts, with a prior for hours not seen yet (a generic
// display-traffic day: quiet at night, peak in the evening). The `traffic`
// pacing mode plans spend in proportion to it. Owned by the control thread.
#pragma once

#include <array>
#include <cstdint>

namespace bidline {

class TrafficProfile {
public:
    static constexpr int kHours = 168;

    // `requests` arrived during (part of) hour-of-week `how`, observed for
    // `seconds` of that hour.
    void observe(int how, double requests, double seconds);

    // Relative traffic of each hour of the week (any positive scale). An hour
    // seen before gives its own rate; an unseen hour borrows the same hour of
    // the other weekdays, else the prior scaled to the rates seen so far.
    std::array<double, kHours> weights() const;

    static double prior(int hour_of_day);

    // What was observed, per hour of the week, so that the profile survives
    // restarts (the engine saves it with its pacing state).
    const std::array<double, kHours>& requests() const { return requests_; }
    const std::array<double, kHours>& seconds() const { return seconds_; }
    // Replaces the observations; false (nothing changed) when a value is
    // negative or not finite.
    bool restore(const std::array<double, kHours>& requests, const std::array<double, kHours>& seconds);

private:
    std::array<double, kHours> requests_{};
    std::array<double, kHours> seconds_{};
};

}  // namespace bidline
