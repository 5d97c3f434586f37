// Entities created through the admin API, laid over the configuration
// file's model. The API's JSON objects, converted to TOML tables with the
// same keys, go through the very readers that check the file, so the file
// and the API accept and refuse exactly the same things:
//
//   { advertiser = [ {id, name, ...} ],            the file's [[advertiser]]
//     campaign   = [ {id, advertiser, ...} ],      [[campaign]]
//     line_item  = [ {id, campaign, bid, ...} ],   [[line_item]] without creatives
//     creative   = [ {id, line_item, format, ...} ] } [[line_item.creative]] + its line item
//
// Ids must not repeat the base model's; references may point into either.
// A line item may have no creative yet (the pre-launch checks require one);
// a creative may join a line item of the file. Pure function, any thread.
#pragma once

#include <string>

#include <toml.hpp>

#include "bidline/config/campaign_model.h"

namespace bidline {

// Throws ConfigError on the first problem; its field() is the key path in
// the overlay, e.g. "line_item.bid.cpm" or "creative.line_item".
CampaignModel overlay_model(const CampaignModel& base, const toml::value& overlay, const std::string& source_name);

}  // namespace bidline
