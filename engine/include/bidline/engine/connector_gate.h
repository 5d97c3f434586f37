// Per-connector rate limits and daily quotas of the feed endpoints
// (POST /v1/events, POST /v1/reports/*): the rule of feeds::ConnectorLimiter
// (a TokenBucket of requests per second with a burst, then a DailyQuota of
// units per UTC day; a refusal takes nothing from either) with the refusing
// limit named for the 429 answer. A connector names itself with the
// X-Bidline-Connector header (absent = "default"); connectors the
// configuration does not list get kDefaultConnectorLimits.
//
// Threads: any shard. Connections spread over shards, so one table is
// shared by all of them behind a mutex: it is taken once per feed request
// (never per event, never on the bid path or for notices).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bidline/config/connector_settings.h"
#include "bidline/engine/clock.h"
#include "bidline/engine/http_request.h"
#include "bidline/feeds/daily_quota.h"
#include "bidline/feeds/token_bucket.h"

namespace bidline {

struct EngineState;
struct RouteResponse;

struct ConnectorRefusal {
    std::string_view limit;  // "requests_per_second" or "daily_units"
    std::int64_t retry_after_s = 1;
};

class ConnectorGate {
public:
    ConnectorGate(const ConnectorSettingsList& configured, const Clock& clock);

    // Admits one request carrying `units` (event lines, report rows) for
    // `connector`, or says which limit refused and for how long.
    [[nodiscard]] std::optional<ConnectorRefusal> admit(std::string_view connector, std::int64_t units);

    // The connector of a request: the name of the API key that authorized
    // it (a key cannot spend another connector's limits), else its
    // X-Bidline-Connector header, else "default".
    static std::string_view connector_of(const HttpRequest& req) {
        if (!req.authenticated_as.empty()) return req.authenticated_as;
        const std::string_view header = req.header("x-bidline-connector");
        return header.empty() ? std::string_view("default") : header;
    }

private:
    struct Limiter {
        explicit Limiter(const ConnectorSettings& s) : bucket(s.requests_per_second, s.burst), quota(s.daily_units) {}
        feeds::TokenBucket bucket;
        feeds::DailyQuota quota;
    };
    Limiter& limiter(std::string_view connector);

    const Clock& clock_;
    std::map<std::string, ConnectorSettings, std::less<>> settings_;
    std::mutex mu_;  // see the header comment: once per feed request, off the bid path
    std::map<std::string, Limiter, std::less<>> limiters_;
};

// 429 with Retry-After and {"error":"rate_limited","connector":...,"limit":...,
// "retry_after_s":...,"message":...}; the body is written into `scratch`.
RouteResponse too_many_requests(std::string& scratch, std::string_view connector, const ConnectorRefusal& refusal);

// Units of an NDJSON body: its non-blank lines (at least 1).
std::int64_t ndjson_units(std::string_view body);

// Builds the gate from the configuration and sets EngineState::connector_gate
// (before the server starts).
void install_connector_limits(EngineState& state, const ConnectorSettingsList& configured);

}  // namespace bidline
