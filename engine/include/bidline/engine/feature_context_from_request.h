// The bid request's part of a models::FeatureContext: time, device, geo,
// site or app, publisher and the impression's format, size, position and
// floor, read from a parsed BidRequestView. The bid path, replay and
// `bidline train` all go through here, then add what they know beyond the
// request (line item, creative, stats, recency). Allocation-free; the
// context's string_views point into `request`, so it lives as long as that.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bidline/engine/bid_request.h"
#include "bidline/models/feature_builder.h"

namespace bidline {

// `imp` indexes request.imps (must be < its size). `utc_offset_minutes`: the
// campaign's zone at `time_utc_us`. The floor is taken as it stands
// (bidfloorcur is assumed to be the account currency; the caller converts).
// The site as the features name it: an app's bundle (else its id), else
// the site's domain (else its publisher's domain); empty for neither.
[[nodiscard]] std::string_view site_of(const BidRequestView& request);

[[nodiscard]] models::FeatureContext feature_context_from_request(const BidRequestView& request, std::size_t imp,
                                                                  std::int64_t time_utc_us,
                                                                  std::int32_t utc_offset_minutes);

}  // namespace bidline
