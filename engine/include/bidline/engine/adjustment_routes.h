// GET /v1/adjustments: the control loop's bid and budget adjustments for
// platform-managed campaigns (adjustment_log.h), for connectors to apply
// through the platforms' APIs.
//
//   GET /v1/adjustments?since=SEQ[&platform=google_ads|meta|tiktok][&limit=N]
//   → {"adjustments":[...], "next_since":SEQ, "truncated":false}
//
// `since` is exclusive (default 0: everything still in the window); poll
// with the answer's next_since; an empty list means nothing new. `limit`:
// 1..10000, default 1000. `truncated`: adjustments after `since` already
// left the in-memory window (the newest 100 000). Bad parameters: 400 with a
// message naming the parameter.
//
// Handlers run on the shard thread that received the request, off the bid
// path (they allocate and take the log's mutex).
#pragma once

#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// `control` must outlive the server.
void register_adjustment_routes(EngineState& state, const ControlLoop& control);

}  // namespace bidline
