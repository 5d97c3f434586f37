// What a campaign added, measured against a holdout that got no bids:
// incremental conversions, lift and incremental ROAS, each with a normal
// confidence interval (difference of proportions; lift on the log ratio).
#pragma once

#include "bidline/models/experiments/proportion_test.h"

namespace bidline::experiments {

struct Estimate {
    double value = 0;
    double low = 0;
    double high = 0;
};

struct Incrementality {
    Estimate incremental_conversions;  // among the exposed users
    Estimate lift;                     // exposed rate ÷ holdout rate − 1
    Estimate iroas;                    // incremental value ÷ spend
};

// `value_per_conversion` converts conversions to revenue for iROAS.
Incrementality measure_incrementality(Proportion exposed, Proportion holdout, double spend, double value_per_conversion,
                                      double alpha = 0.05);

}  // namespace bidline::experiments
