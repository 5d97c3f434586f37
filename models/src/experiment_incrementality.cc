#include <cmath>
#include <limits>
#include <stdexcept>

#include "bidline/models/experiments/incrementality.h"

namespace bidline::experiments {

Incrementality measure_incrementality(Proportion exposed, Proportion holdout, double spend, double value_per_conversion,
                                      double alpha) {
    if (exposed.trials <= 0 || holdout.trials <= 0) throw std::invalid_argument("both groups need users > 0");
    const double z = normal_quantile(1 - alpha / 2);
    const double pe = exposed.rate(), ph = holdout.rate();
    const double ne = static_cast<double>(exposed.trials), nh = static_cast<double>(holdout.trials);
    const double se = std::sqrt(pe * (1 - pe) / ne + ph * (1 - ph) / nh);
    Incrementality out;
    const double inc = (pe - ph) * ne;
    out.incremental_conversions = {inc, (pe - ph - z * se) * ne, (pe - ph + z * se) * ne};
    if (exposed.conversions > 0 && holdout.conversions > 0) {
        const double log_ratio = std::log(pe / ph);
        const double se_log = std::sqrt((1 - pe) / static_cast<double>(exposed.conversions) +
                                        (1 - ph) / static_cast<double>(holdout.conversions));
        out.lift = {pe / ph - 1, std::exp(log_ratio - z * se_log) - 1, std::exp(log_ratio + z * se_log) - 1};
    } else {
        const double inf = std::numeric_limits<double>::infinity();
        out.lift = {ph > 0 ? pe / ph - 1 : inf, -1, inf};  // no conversions on one side: unbounded
    }
    if (spend > 0) {
        const double k = value_per_conversion / spend;
        out.iroas = {inc * k, out.incremental_conversions.low * k, out.incremental_conversions.high * k};
    }
    return out;
}

}  // namespace bidline::experiments
