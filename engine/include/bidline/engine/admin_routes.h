// The campaign admin API over HTTP (campaign_admin.h):
//
//   GET  /v1/campaigns                 every campaign with its status and version
//   GET  /v1/campaigns/ID              one campaign; ETag: "VERSION"
//   POST /v1/campaigns/ID/status       {"status":"paused"}; If-Match: "VERSION" (optional);
//                                      X-Bidline-User names who (default "anonymous")
//   GET  /v1/audit[?since=SEQ][&limit=N]  the audit log, oldest first
//
// 400 with field errors for a bad body, 404 unknown campaign, 409 an illegal
// transition (with the allowed ones), 412 a stale If-Match, 422 failed
// pre-launch checks. Handlers run on the receiving shard, off the bid path.
#pragma once

#include "bidline/engine/campaign_admin.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `admin` must outlive the server.
void register_admin_routes(EngineState& state, CampaignAdmin& admin);

}  // namespace bidline
