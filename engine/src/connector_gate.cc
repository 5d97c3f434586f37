#include "bidline/engine/connector_gate.h"

#include <algorithm>

#include "bidline/engine/engine_state.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"

namespace bidline {

ConnectorGate::ConnectorGate(const ConnectorSettingsList& configured, const Clock& clock) : clock_(clock) {
    for (const ConnectorSettings& c : configured) settings_.emplace(c.name, c);
}

ConnectorGate::Limiter& ConnectorGate::limiter(std::string_view connector) {
    if (auto it = limiters_.find(connector); it != limiters_.end()) return it->second;
    // Unknown connectors each get their own default limiter, up to a bound:
    // past it, every further invented name shares one limiter.
    constexpr std::size_t kMaxConnectors = 4096;
    const auto s = settings_.find(connector);
    if (s == settings_.end() && limiters_.size() >= kMaxConnectors) connector = "~overflow";
    if (auto it = limiters_.find(connector); it != limiters_.end()) return it->second;
    return limiters_
        .emplace(std::string(connector), Limiter(s != settings_.end() ? s->second : kDefaultConnectorLimits))
        .first->second;
}

std::optional<ConnectorRefusal> ConnectorGate::admit(std::string_view connector, std::int64_t units) {
    const Timestamp now = clock_.now();
    // The bucket wants a monotonic time; the injected clock is the one tests control.
    const feeds::TokenBucket::Time mono{
        std::chrono::duration_cast<feeds::TokenBucket::Time::duration>(now.time_since_epoch())};
    std::lock_guard lock(mu_);
    Limiter& l = limiter(connector);
    std::int64_t retry = 1;
    // ConnectorLimiter::try_admit's order: nothing is taken unless both allow.
    if (!l.quota.fits(now, units, retry)) return ConnectorRefusal{"daily_units", retry};
    if (!l.bucket.try_take(mono, 1, retry)) return ConnectorRefusal{"requests_per_second", retry};
    if (!l.quota.try_take(now, units, retry)) return ConnectorRefusal{"daily_units", retry};
    return std::nullopt;
}

RouteResponse too_many_requests(std::string& scratch, std::string_view connector, const ConnectorRefusal& refusal) {
    const bool daily = refusal.limit == "daily_units";
    JsonWriter j;
    j.begin_object()
        .field("error", "rate_limited")
        .field("connector", connector)
        .field("limit", refusal.limit)
        .field("retry_after_s", refusal.retry_after_s)
        .field("message", std::string("connector \"") + std::string(connector) + "\" is over its " +
                              (daily ? "daily quota (daily_units; resets at 00:00 UTC)"
                                     : "request rate (requests_per_second / burst)") +
                              "; nothing in this request was applied, retry after " +
                              std::to_string(refusal.retry_after_s) + " s")
        .end_object();
    scratch = j.take();
    RouteResponse r;
    r.status = 429;
    r.body = scratch;
    r.retry_after_s = static_cast<std::uint32_t>(std::max<std::int64_t>(1, refusal.retry_after_s));
    return r;
}

std::int64_t ndjson_units(std::string_view body) {
    std::int64_t lines = 0;
    while (!body.empty()) {
        const std::size_t nl = body.find('\n');
        const std::string_view line = body.substr(0, nl);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) ++lines;
        if (nl == std::string_view::npos) break;
        body.remove_prefix(nl + 1);
    }
    return std::max<std::int64_t>(lines, 1);
}

void install_connector_limits(EngineState& state, const ConnectorSettingsList& configured) {
    state.connector_gate = std::make_shared<ConnectorGate>(configured, state.clock);
}

}  // namespace bidline
