// The value of an impression to a line item under its bid strategy, from
// the model scores available. Strategies without the scores they need fall
// back to conservative bidding (the manual CPM if one is set, else no bid).
#pragma once

#include <optional>

#include "bidline/config/campaign_model.h"

namespace bidline {

struct Scores {
    bool present = false;   // false when no model scored this candidate
    double pctr = 0.0;
    double pcvr = 0.0;      // conversion probability given a click
    double value = 0.0;     // expected conversion value, currency units
};

// CPM value in micros, or nullopt when the line item should not bid.
std::optional<Micros> bid_value_cpm(const BidSettings& bid, const Scores& scores);

}  // namespace bidline
