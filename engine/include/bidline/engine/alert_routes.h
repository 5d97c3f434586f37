// GET /v1/alerts: the alert book (alert_book.h) as JSON, for people, the
// dashboard ("Active alerts", via /dashboard/alerts.json) and monitoring.
//
//   GET /v1/alerts[?state=active|resolved|all]   (default all)
//   → {"enabled":true,"active":N,"resolved":N,"alerts":[{id, rule, state,
//      severity, campaign, line_item, subject, since, since_us, resolved,
//      resolved_us, value, threshold, unit, message}], "webhook":{...}|null}
//
// Active alerts come first (oldest first), then resolved ones (newest first).
// Handlers run on the shard thread that received the request, off the bid path.
#pragma once

#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `control` must outlive the server.
void register_alert_routes(EngineState& state, const ControlLoop& control);

}  // namespace bidline
