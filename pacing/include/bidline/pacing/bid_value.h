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
//   manual_cpm       cpm
//   manual_cpc       cpc × pCTR
//   target_cpa       tCPA × pCTR × pCVR
//   target_roas      predicted conversion value × pCTR × pCVR ÷ tROAS (no value known: fallback)
//   max_clicks       λ × pCTR, λ = cpc if set, else kDefaultClickValue
//   max_conversions  λ × pCTR × pCVR, λ = target_cpa if set, else kDefaultConversionValue
// For max_clicks / max_conversions λ is only the starting scale: the pacing
// controller's multiplier (published per line item each tick) scales the
// value until the budget is spent on plan, so the bid that reaches the
// auction is multiplier × λ × pCTR (× pCVR) — the budget's shadow price.
std::optional<Micros> bid_value_cpm(const BidSettings& bid, const Scores& scores);

inline constexpr double kDefaultClickValue = 1.0;        // currency units per click
inline constexpr double kDefaultConversionValue = 20.0;  // per conversion

// Whether the pacing multiplier may raise the value above what the user
// set: only for strategies without a user price (max_clicks, max_conversions);
// the others are only ever bid down to stay on plan.
bool pacing_may_raise_bid(BidStrategy strategy);

}  // namespace bidline
