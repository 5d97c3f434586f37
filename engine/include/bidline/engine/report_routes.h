// The platform report endpoints, registered as EngineState::routes:
//
//   POST /v1/reports/google_ads   Google Ads search / searchStream response
//   POST /v1/reports/meta         Meta Insights response (level=campaign)
//   POST /v1/reports/tiktok       TikTok report/integrated/get response
//
// Query parameters: `utc_offset=-08:00` (the ad account's UTC offset in
// force for the report's dates; default +00:00; write `+` as %2B or leave
// it out), `revision=R` (default "0": re-posting a report with the same
// revision counts once; a restated report with a new revision replaces the
// figures of the hours it covers).
//
// Each mapped row (Campaign::platform_ids) becomes a spend_report event in
// the durable event log before the 200 answer and is recorded in the
// control loop's PlatformReportBook; rows of unmapped platform campaigns are
// listed in the answer, not counted. A malformed report is a 400 naming the
// JSON path; nothing of it is applied. The connector's limits apply
// (X-Bidline-Connector; units = rows): 429 with Retry-After.
//
// Handlers run on the shard thread that received the request, off the bid
// path (they allocate: reports are rare and small).
#pragma once

#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `control` must outlive the server.
void register_report_routes(EngineState& state, ControlLoop& control);

}  // namespace bidline
