// A generated campaign model of any size, for benchmarks and load runs:
// N line items spread over countries, banner sizes and device types so that
// a typical request (USA, 300x250, phone) matches about one in a hundred.
// Deterministic: the same N gives the same model.
#pragma once

#include <cstdint>
#include <string>

#include "bidline/config/campaign_model.h"

namespace bidline {

CampaignModel synthetic_campaign_model(std::uint32_t line_items, Micros daily_budget_per_campaign = Micros::from_units(1e9));

// A realistic ~1.5 KB OpenRTB 2.6 banner request that the synthetic model
// bids on (USA, 300x250 with a 320x50 alternative, Android phone).
std::string synthetic_bid_request(std::uint64_t request_number = 1);

}  // namespace bidline
