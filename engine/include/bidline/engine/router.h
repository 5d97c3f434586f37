// Router: maps one parsed HTTP request to its handler and produces the
// response status, content type and body. One per shard, on its thread;
// the HTTP connection code (net/) owns sockets and framing, the Router owns
// what the endpoints mean. The bid endpoint's path is allocation-free;
// stats and admin endpoints may allocate (they are not the hot path).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bidline/engine/bid_path.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/request_log.h"
#include "bidline/engine/verified_key_cache.h"
#include "bidline/feeds/event.h"
#include "bidline/feeds/event_line_parser.h"

namespace flatbuffers { class FlatBufferBuilder; }

namespace bidline {

struct RouteResponse {
    std::uint16_t status = 200;
    std::string_view content_type = "application/json";
    std::string_view body;
    std::string_view openrtb_version;  // echoed as x-openrtb-version when set
    std::uint32_t retry_after_s = 0;   // Retry-After header when > 0
    std::string_view allow;            // Allow header for 405
    std::string_view www_authenticate; // WWW-Authenticate header for 401
    std::string_view etag;             // ETag header when set (admin API: the version a write must name in If-Match)
    // When > 0: hold this response until the shard's records up to this
    // event-log sequence are durable (acknowledge only what survives a crash).
    std::uint64_t durable_after = 0;
};

class Router {
public:
    Router(EngineState& state, ShardResources& shard);
    ~Router();

    // `body` is the request body after any gzip inflation.
    RouteResponse route(const HttpRequest& req, std::string_view body, Timestamp received);

    // Between requests: pick up new snapshots.
    void refresh() { bid_path_.refresh(); }

    // Standard JSON error body {"error": code, "message": text}; the view
    // stays valid until the next call.
    RouteResponse error(std::uint16_t status, std::string_view code, std::string_view message);

    // Logs one event (if the engine has an event log) and hands it to the
    // control loop. Returns the log sequence (0 when not logged); false in
    // `queued` when the control ring was full.
    std::uint64_t ingest(const feeds::Event& event, bool& orphan, bool& overloaded);

private:
    RouteResponse notice(const HttpRequest& req, std::string_view kind, Timestamp received);
    RouteResponse events(const HttpRequest& req, std::string_view body);
    // 401/403 for a request the configured API keys do not allow; nullopt
    // when it may pass (sets `caller_` to the key's name).
    std::optional<RouteResponse> refuse_unauthorized(const HttpRequest& req);

    EngineState& state_;
    ShardResources& shard_;
    BidPath bid_path_;
    RequestLog request_log_;
    std::shared_ptr<const std::string> stats_;
    std::shared_ptr<const Catalog> catalog_;
    std::uint64_t stats_seen_ = 0, catalog_seen_ = 0;
    std::string scratch_;
    std::string extra_scratch_;
    std::string_view caller_;  // the authorizing key's name for the current request ("" without auth)
    VerifiedKeyCache verified_keys_;
    std::unique_ptr<feeds::EventLineParser> event_parser_;
    std::unique_ptr<flatbuffers::FlatBufferBuilder> fbb_;
    feeds::Event event_;
};

// Value of `key` in a URL query string (not decoded); empty if absent.
std::string_view query_param(std::string_view query, std::string_view key);
// Percent-decodes into `out` (cleared first).
void percent_decode(std::string_view in, std::string& out);

std::string_view status_text(std::uint16_t status);

// The standard JSON error {"error": code, "message": text} for extra routes:
// the body is written into `scratch`, which the response views.
RouteResponse json_error(std::string& scratch, std::uint16_t status, std::string_view code, std::string_view message);

// A JSON answer of an extra route: `body` moves into `scratch`, which the
// response views.
RouteResponse json_reply(std::string& scratch, std::string body, std::uint16_t status = 200);

// 405 method_not_allowed with `message`, and the Allow header `allow` (a
// string literal, e.g. "GET, HEAD": the response views it).
RouteResponse method_not_allowed(std::string& scratch, std::string_view allow, std::string_view message);

}  // namespace bidline
