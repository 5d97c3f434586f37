#include "bidline/pacing/bid_value.h"

#include <cmath>

namespace bidline {

std::optional<Micros> bid_value_cpm(const BidSettings& bid, const Scores& s) {
    // CPM value = 1000 x expected value of one impression.
    auto cpm_from = [](double per_impression_units) { return Micros::from_units(per_impression_units * 1000.0); };
    switch (bid.strategy) {
        case BidStrategy::manual_cpm:
            return bid.cpm;
        case BidStrategy::manual_cpc:
            if (s.present) return cpm_from(bid.cpc.units() * s.pctr);
            break;
        case BidStrategy::target_cpa:
            if (s.present) return cpm_from(bid.target_cpa.units() * s.pctr * s.pcvr);
            break;
        case BidStrategy::target_roas:
            if (s.present && bid.target_roas > 0 && s.value > 0) return cpm_from(s.value * s.pctr * s.pcvr / bid.target_roas);
            break;
        case BidStrategy::max_clicks:
            if (s.present) return cpm_from((bid.cpc.value() > 0 ? bid.cpc.units() : kDefaultClickValue) * s.pctr);
            break;
        case BidStrategy::max_conversions:
            if (s.present)
                return cpm_from((bid.target_cpa.value() > 0 ? bid.target_cpa.units() : kDefaultConversionValue) *
                                s.pctr * s.pcvr);
            break;
    }
    // Conservative fallback: the manual CPM when the user set one.
    if (bid.cpm.value() > 0) return bid.cpm;
    return std::nullopt;
}

bool pacing_may_raise_bid(BidStrategy strategy) {
    return strategy == BidStrategy::max_clicks || strategy == BidStrategy::max_conversions;
}

}  // namespace bidline
