// The Prometheus text exposition (format 0.0.4) of the engine's counters,
// rendered by the control thread each tick into EngineState::metrics_text
// and served as-is by GET /metrics. Rendering off the request path keeps a
// scrape from ever touching shard-owned state.
//
// What is exported: per shard request/bid/no-bid counters and the bid
// latency histogram (buckets are the log2 histogram's edges; `_sum` is not
// exported because the log2 buckets cannot give it honestly); per line item
// bids, wins, clicks, conversions, spend today and daily budget; per
// campaign spend today and daily budget; build info and `bidline_up`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/catalog.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// Control thread: renders and publishes state.metrics_text.
// `extra`: more families appended as they are (the model monitor's).
void render_metrics(EngineState& state, const Catalog& catalog, const std::vector<LineItemLedger>& ledger,
                    const std::string& extra = {});

// The exposition text itself (what render_metrics publishes).
std::string metrics_exposition(const EngineState& state, const Catalog& catalog,
                               const std::vector<LineItemLedger>& ledger);

// Escapes a label value as the exposition format requires: \\, \" and \n.
void append_label_value_escaped(std::string& out, std::string_view value);

}  // namespace bidline
