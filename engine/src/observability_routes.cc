#include "bidline/engine/observability_routes.h"

#include <charconv>
#include <string>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"

namespace bidline {
namespace {

constexpr std::string_view kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";

bool is_read(const HttpRequest& req) { return req.method == HttpMethod::get || req.method == HttpMethod::head; }

RouteResponse only_get(std::string& scratch) {
    return method_not_allowed(scratch, "GET, HEAD", "this endpoint only answers GET");
}

RouteResponse metrics(const EngineState& state, const HttpRequest& req, std::string& scratch) {
    if (!is_read(req)) return only_get(scratch);
    const auto text = state.metrics_text.load();
    if (!text) return json_error(scratch, 503, "not_ready", "metrics are rendered from the first control tick on");
    scratch = *text;  // the snapshot may be replaced while the answer is written
    RouteResponse r;
    r.content_type = kPrometheusType;
    r.body = scratch;
    return r;
}

RouteResponse series(const EngineState& state, const ControlLoop& control, const HttpRequest& req, std::string& scratch) {
    if (!is_read(req)) return only_get(scratch);
    int minutes = kSeriesMinutes;
    if (const std::string_view raw = query_param(req.query, "minutes"); !raw.empty()) {
        auto r = std::from_chars(raw.data(), raw.data() + raw.size(), minutes);
        if (r.ec != std::errc{} || r.ptr != raw.data() + raw.size() || minutes < 1 || minutes > kSeriesMinutes)
            return json_error(scratch, 400, "bad_query", "minutes: expected 1 to 1440");
    }
    std::string wanted;
    percent_decode(query_param(req.query, "line_item"), wanted);
    const auto frame = control.series().published();
    const auto catalog = state.catalog.load();
    JsonWriter j;
    j.begin_object().field("now_minute", frame->now_minute()).field("bucket_seconds", 60);
    j.key("line_items").begin_array();
    bool found = wanted.empty();
    for (const CompiledLineItem& li : catalog->line_items()) {
        if (!li.present || (!wanted.empty() && li.model.id.value != wanted)) continue;
        found = true;
        j.begin_object().field("id", li.model.id.value).field("campaign", li.model.campaign.value).key("series");
        write_series_json(j, *frame, li.index.value, minutes);
        j.end_object();
    }
    j.end_array().end_object();
    if (!found) return json_error(scratch, 404, "not_found", "line_item: unknown line item");
    return json_reply(scratch, j.take());
}

RouteResponse catalog_json(const EngineState& state, const HttpRequest& req, std::string& scratch) {
    if (!is_read(req)) return only_get(scratch);
    const auto catalog = state.catalog.load();
    JsonWriter j;
    j.begin_object().field("version", catalog->version());
    j.key("campaigns").begin_array();
    for (const CompiledCampaign& c : catalog->campaigns()) {
        j.begin_object()
            .field("id", c.model.id.value)
            .field("name", c.model.name)
            .field("advertiser", c.model.advertiser.value)
            .field("currency", c.advertiser ? std::string_view(c.advertiser->currency) : std::string_view("USD"))
            .field("daily_budget_micros", c.model.daily_budget.value())
            .field("timezone", c.timezone);
        j.key("line_items").begin_array();
        for (const CompiledLineItem& li : catalog->line_items()) {
            if (!li.present || li.campaign != &c) continue;
            j.begin_object()
                .field("id", li.model.id.value)
                .field("name", li.model.name)
                .field("strategy", to_string(li.model.bid.strategy))
                .field("daily_budget_micros", li.model.daily_budget.value())
                .field("target_cpa_micros", li.model.bid.target_cpa.value())
                .field("target_roas", li.model.bid.target_roas)
                .end_object();
        }
        j.end_array().end_object();
    }
    j.end_array().end_object();
    return json_reply(scratch, j.take());
}

RouteResponse alerts(const EngineState& state, const HttpRequest& req, std::string_view body, std::string& scratch) {
    if (!is_read(req)) return only_get(scratch);
    for (const ExtraRoute& route : state.routes)
        if (route.path == "/v1/alerts") {
            std::string inner;
            RouteResponse r = route.handle(req, body, inner);
            scratch.assign(r.body);
            r.body = scratch;
            return r;
        }
    scratch = R"({"available":false,"alerts":[]})";
    RouteResponse r;
    r.body = scratch;
    return r;
}

}  // namespace

void register_observability_routes(EngineState& state, const ControlLoop& control) {
    const EngineState& s = state;
    state.routes.push_back({"/metrics", [&s](const HttpRequest& req, std::string_view, std::string& scratch) {
                                return metrics(s, req, scratch);
                            }});
    state.routes.push_back({"/v1/stats/series", [&s, &control](const HttpRequest& req, std::string_view, std::string& scratch) {
                                return series(s, control, req, scratch);
                            }});
    state.routes.push_back({"/dashboard/catalog.json", [&s](const HttpRequest& req, std::string_view, std::string& scratch) {
                                return catalog_json(s, req, scratch);
                            }});
    state.routes.push_back({"/dashboard/alerts.json", [&s](const HttpRequest& req, std::string_view body, std::string& scratch) {
                                return alerts(s, req, body, scratch);
                            }});
    state.routes.push_back({"/dashboard", [](const HttpRequest& req, std::string_view, std::string& scratch) {
                                if (!is_read(req)) return only_get(scratch);
                                RouteResponse r;
                                r.content_type = "text/html; charset=utf-8";
                                r.body = dashboard_page();
                                return r;
                            }});
}

}  // namespace bidline
