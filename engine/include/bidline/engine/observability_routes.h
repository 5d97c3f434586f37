// The read-only endpoints for monitoring and people, registered as
// EngineState::routes before the server starts:
//
//   GET /metrics                 Prometheus text (rendered each control tick)
//   GET /v1/stats/series         24 h of one-minute buckets per line item
//                                (?minutes=1..1440, default 1440; ?line_item=ID)
//   GET /dashboard               the campaign dashboard (one embedded page)
//   GET /dashboard/catalog.json  names, budgets and targets the page labels with
//   GET /dashboard/alerts.json   /v1/alerts when an alerts service registered it,
//                                else {"available":false,"alerts":[]}
//
// Handlers run on the shard thread that received the request (off the bid
// path: they allocate) and read only published snapshots.
#pragma once

#include <string_view>

#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `control` must outlive the server (its published series are read by the shards).
void register_observability_routes(EngineState& state, const ControlLoop& control);

// The dashboard page (HTML with inline CSS and JS), embedded in the binary.
std::string_view dashboard_page();

}  // namespace bidline
