// Router: maps one parsed HTTP request to its handler and produces the
// response status, content type and body. One per shard, on its thread;
// the HTTP connection code (net/) owns sockets and framing, the Router owns
// what the endpoints mean. The bid endpoint's path is allocation-free;
// stats and admin endpoints may allocate (they are not the hot path).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bidline/engine/bid_path.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/http_request.h"

namespace bidline {

struct RouteResponse {
    std::uint16_t status = 200;
    std::string_view content_type = "application/json";
    std::string_view body;
    std::string_view openrtb_version;  // echoed as x-openrtb-version when set
    std::uint32_t retry_after_s = 0;   // Retry-After header when > 0
    std::string_view allow;            // Allow header for 405
};

class Router {
public:
    Router(EngineState& state, ShardResources& shard);

    // `body` is the request body after any gzip inflation.
    RouteResponse route(const HttpRequest& req, std::string_view body, Timestamp received);

    // Between requests: pick up new snapshots.
    void refresh() { bid_path_.refresh(); }

    // Standard JSON error body {"error": code, "message": text}; the view
    // stays valid until the next call.
    RouteResponse error(std::uint16_t status, std::string_view code, std::string_view message);

private:
    RouteResponse notice(const HttpRequest& req, std::string_view kind, Timestamp received);

    EngineState& state_;
    ShardResources& shard_;
    BidPath bid_path_;
    std::shared_ptr<const std::string> stats_;
    std::shared_ptr<const Catalog> catalog_;
    std::uint64_t stats_seen_ = 0, catalog_seen_ = 0;
    std::string scratch_;
};

// Value of `key` in a URL query string (not decoded); empty if absent.
std::string_view query_param(std::string_view query, std::string_view key);
// Percent-decodes into `out` (cleared first).
void percent_decode(std::string_view in, std::string& out);

std::string_view status_text(std::uint16_t status);

}  // namespace bidline
