// PacingPlan: how much of a day's budget should have been spent by each
// moment of the campaign's local day, per pacing mode:
//   even          the same rate through every on-hour of the daypart
//   traffic       in proportion to the hour-of-week traffic profile
//   front_loaded  like traffic, weighted 1.5× at the first on-hour falling
//                 linearly to 0.5× at the last, so most goes early
//   asap          no plan: everything is allowed at once (cumulative 1)
// Off hours of the daypart get no budget. Pure value; any thread.
#pragma once

#include <array>

#include "bidline/config/campaign_model.h"

namespace bidline {

class PacingPlan {
public:
    // The plan for one local day; `weekday` 0 = Monday; `traffic` holds
    // relative weights per hour of the week (TrafficProfile::weights()).
    static PacingPlan make(PacingMode mode, const Daypart& daypart, int weekday,
                           const std::array<double, 168>& traffic);

    // Planned share of the day's budget spent by `seconds` into the local
    // day, in [0, 1], non-decreasing; linear within an hour.
    double cumulative(double seconds_into_day) const;
    bool asap() const { return asap_; }

private:
    std::array<double, 25> cum_{};  // cum_[h]: share planned before hour h
    bool asap_ = false;
    int first_on_ = -1;             // asap: the first on-hour, -1 = none today
};

}  // namespace bidline
