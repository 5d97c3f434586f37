// EngineState: what the shards, the control thread and the HTTP handlers
// share. Built once at start; the fields are either immutable after start,
// snapshots published by one writer, or per-shard blocks with one writer
// each (see ShardResources).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bidline/config/config.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/clock.h"
#include "bidline/engine/control_state.h"
#include "bidline/engine/daily_series.h"
#include "bidline/engine/model_counters.h"
#include "bidline/engine/model_set.h"
#include "bidline/engine/shard_counters.h"
#include "bidline/engine/shard_event.h"
#include "bidline/engine/snapshot.h"
#include "bidline/engine/spsc_ring.h"

namespace bidline {

// Line item indices are dense and stable; per-shard arrays are sized for
// this many once, so a catalog swap never reallocates them under a reader.
inline constexpr std::uint32_t kMaxLineItems = 1u << 16;

// Everything one shard writes that other threads read.
struct ShardResources {
    explicit ShardResources(std::uint16_t shard_id)
        : id(shard_id), line_items(new LineItemShardState[kMaxLineItems]), events(1u << 16) {}
    std::uint16_t id;
    ShardCounters counters;
    std::unique_ptr<LineItemShardState[]> line_items;
    SpscRing<ShardEvent> events;  // shard -> control
    // Feature rows of scored bids, for the online learners (shard ->
    // control; only with [models.online] enabled). A full ring loses a
    // training row, never money: counted in features_dropped.
    SpscRing<BidFeatures> features{1u << 12};
    Counter features_dropped{};
    ModelCounters models;
    Counter feed_events_accepted{};
    Counter feed_events_rejected{};
    Counter feed_events_orphaned{};  // valid, but no known line item or bid: counted, not applied
    // Set by the shard's server: resumes responses waiting for durability.
    // Called from the event log's writer thread (must be thread-safe).
    std::function<void()> wake_on_durable;
};

namespace feeds { class GroupCommitLog; }
class ApiKeyTable;
class ConnectorGate;
struct HttpRequest;
struct RouteResponse;

// An endpoint added at start-up by a service (metrics, dashboard, optimizer,
// admin...). Runs on the shard thread that received the request; off the
// bid path, so it may allocate. `scratch` is the shard's response buffer
// for this route: the returned body may point into it.
struct ExtraRoute {
    std::string path;        // exact path, or a prefix when it ends with '/'
    std::function<RouteResponse(const HttpRequest& req, std::string_view body, std::string& scratch)> handle;
    // Instead of `handle`, for routes that append to the event log: they also
    // get the receiving shard (its id is the log producer; a response with
    // durable_after waits for that shard's records).
    std::function<RouteResponse(const HttpRequest& req, std::string_view body, std::string& scratch,
                                ShardResources& shard)>
        handle_on_shard;
};

struct EngineState {
    EngineState(const Config& config, const Clock& clock);

    EngineSettings settings;
    OnlineLearningSettings online_learning;  // [models.online]
    AlertSettings alerts;                    // [alerts]
    const Clock& clock;
    std::string notice_base_url;
    std::string io_backend = "unknown";
    Snapshot<Catalog> catalog;
    // Writers of a new catalog (campaign reload, optimizer budgets) build it
    // from the current one under this lock, so neither loses the other's
    // change. Never taken on the bid path.
    std::mutex catalog_writer;
    Snapshot<ControlState> control;
    Snapshot<ModelSet> models;            // published by the model registry (empty set until one exists)
    Snapshot<std::string> stats_json;     // rendered by the control thread each tick
    Snapshot<std::string> metrics_text;   // Prometheus exposition, likewise
    std::vector<std::unique_ptr<ShardResources>> shards;
    // Registered before the server starts; read-only afterwards.
    std::vector<ExtraRoute> routes;
    // Daily spend/outcome per campaign: the control thread records, the optimizer reads.
    DailySeriesRecorder daily_series;
    // The durable event log (owned by `serve`); null in tests and replay,
    // where events are applied without being logged.
    feeds::GroupCommitLog* event_log = nullptr;
    // Per-connector rate limits of the feed endpoints (connector_gate.h);
    // null = unlimited (tests, replay).
    std::shared_ptr<ConnectorGate> connector_gate;
    // API keys (api_keys.h); null or empty = no auth (the embedded demo).
    std::shared_ptr<const ApiKeyTable> api_keys;
};

}  // namespace bidline
