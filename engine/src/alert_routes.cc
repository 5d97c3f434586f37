#include "bidline/engine/alert_routes.h"

#include <string>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"

namespace bidline {
namespace {

void write_webhook(JsonWriter& j, const AlertWebhook* webhook) {
    j.key("webhook");
    if (webhook == nullptr) {
        j.null();
        return;
    }
    const WebhookStats s = webhook->stats();
    const HttpUrl& u = webhook->url();
    j.begin_object()
        .field("url", "http://" + u.host + ":" + std::to_string(u.port) + u.path)
        .field("delivered", s.delivered)
        .field("attempts", s.attempts)
        .field("retries", s.retries)
        .field("failed", s.failed)
        .field("dropped", s.dropped)
        .field("queued", s.queued)
        .field("last_status", s.last_status)
        .end_object();
}

RouteResponse get_alerts(const EngineState& state, const ControlLoop& control, const HttpRequest& req,
                         std::string& scratch) {
    if (req.method != HttpMethod::get && req.method != HttpMethod::head)
        return method_not_allowed(scratch, "GET, HEAD", "GET /v1/alerts[?state=active|resolved|all]");
    std::string wanted;
    percent_decode(query_param(req.query, "state"), wanted);
    if (!wanted.empty() && wanted != "active" && wanted != "resolved" && wanted != "all")
        return json_error(scratch, 400, "bad_request",
                          "state: expected active, resolved or all, got \"" + wanted + "\"");
    const auto alerts = control.alerts().published();
    std::uint64_t active = 0, resolved = 0;
    for (const Alert& a : *alerts) ++(a.state == AlertState::active ? active : resolved);
    JsonWriter j;
    j.begin_object().field("enabled", state.alerts.enabled).field("active", active).field("resolved", resolved);
    j.key("alerts").begin_array();
    for (const Alert& a : *alerts)
        if (wanted.empty() || wanted == "all" || wanted == to_string(a.state)) write_alert_json(j, a);
    j.end_array();
    write_webhook(j, control.alert_webhook());
    j.end_object();
    return json_reply(scratch, j.take());
}

}  // namespace

void register_alert_routes(EngineState& state, const ControlLoop& control) {
    const EngineState& s = state;
    state.routes.push_back(
        {"/v1/alerts", [&s, &control](const HttpRequest& req, std::string_view, std::string& scratch) {
             return get_alerts(s, control, req, scratch);
         }});
}

}  // namespace bidline
