// The campaign admin API over HTTP (campaign_admin.h):
//
//   GET  /v1/campaigns                 every campaign with its status and version
//   GET  /v1/campaigns/ID              one campaign; ETag: "VERSION"
//   POST /v1/campaigns/ID/status       {"status":"paused"}; If-Match: "VERSION" (optional);
//                                      X-Bidline-User names who (else the API key, else "anonymous")
//   GET  /v1/audit[?since=SEQ][&limit=N]  the audit log, oldest first
//
// and for KIND = advertisers, campaigns, line_items, creatives:
//
//   GET  /v1/KIND                      the file's and the API's entities
//   POST /v1/KIND                      create (201); a campaign starts as draft
//   GET  /v1/KIND/ID[?version=N]       one entity (a version of it); ETag
//   GET  /v1/KIND/ID/versions          every version with who and when
//   PUT/PATCH /v1/KIND/ID              replace / merge-patch; If-Match
//   DELETE /v1/KIND/ID                 archive (campaigns: the workflow's status)
//
// 400 when a body is not JSON, 422 with field errors for a bad one, 404 unknown campaign, 409 an illegal
// transition (with the allowed ones), 412 a stale If-Match, 422 failed
// pre-launch checks. Handlers run on the receiving shard, off the bid path.
#pragma once

#include "bidline/engine/campaign_admin.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `admin` must outlive the server.
void register_admin_routes(EngineState& state, CampaignAdmin& admin);

}  // namespace bidline
