// HTTP endpoints of the optimizer service and serve's wiring of it. Handlers
// run on shard threads, off the bid path: they allocate and take the
// service's mutex.
#include <charconv>
#include <stdexcept>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/optimizer_service.h"
#include "bidline/engine/router.h"

namespace bidline {
namespace {


RouteResponse wrong_method(std::string& scratch, std::string_view allow) {
    return method_not_allowed(scratch, allow, "this endpoint answers " + std::string(allow));
}

// `name` from `a=1&b=2` (no percent-decoding: ids and numbers only).
std::optional<std::string_view> form_value(std::string_view form, std::string_view name) {
    while (!form.empty()) {
        const std::size_t amp = form.find('&');
        const std::string_view pair = form.substr(0, amp);
        if (const std::size_t eq = pair.find('='); eq != std::string_view::npos && pair.substr(0, eq) == name)
            return pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        form.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

RouteResponse override_budget(OptimizerService& o, const HttpRequest& req, std::string_view body,
                              std::string& scratch) {
    auto get = [&](std::string_view name) {
        auto v = form_value(req.query, name);
        return v ? v : form_value(body, name);
    };
    const auto campaign = get("campaign");
    if (!campaign || campaign->empty()) return json_error(scratch, 400, "bad_request", "campaign=ID is required");
    std::optional<std::int64_t> budget;
    if (const auto b = get("budget_micros"); b && *b != "clear") {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(b->data(), b->data() + b->size(), v);
        if (ec != std::errc{} || end != b->data() + b->size() || v < 0)
            return json_error(scratch, 400, "bad_request", "budget_micros must be a non-negative integer or 'clear'");
        budget = v;
    }
    if (!o.set_override(std::string(*campaign), budget))
        return json_error(scratch, 404, "unknown_campaign", "no campaign with a daily budget has that id");
    return json_reply(scratch, o.render_json());
}

RouteResponse optimizer_action(OptimizerService& o, const HttpRequest& req, std::string_view body,
                               std::string& scratch) {
    const std::string_view action = req.path.substr(std::string_view("/v1/optimizer/").size());
    if (req.method != HttpMethod::post) return wrong_method(scratch, "POST");
    if (action == "run") {
        o.request_run();
        return json_reply(scratch, R"({"status":"run_requested"})", 202);
    }
    if (action == "approve") {
        if (!o.approve()) return json_error(scratch, 409, "nothing_to_approve", "no plan is waiting for approval");
        return json_reply(scratch, o.render_json());
    }
    if (action == "override") return override_budget(o, req, body, scratch);
    if (action == "history") {
        try {
            const std::size_t rows = o.import_history(body);
            return json_reply(scratch, R"({"rows":)" + std::to_string(rows) + "}");
        } catch (const std::invalid_argument& e) {
            return json_error(scratch, 400, "bad_history", e.what());
        }
    }
    return json_error(scratch, 404, "not_found", "optimizer actions: run, approve, override, history");
}

}  // namespace

void register_optimizer_routes(EngineState& state, OptimizerService& optimizer) {
    state.routes.push_back(
        {"/v1/optimizer", [&optimizer](const HttpRequest& req, std::string_view, std::string& scratch) {
             if (req.method != HttpMethod::get && req.method != HttpMethod::head)
                 return wrong_method(scratch, "GET, HEAD");
             return json_reply(scratch, optimizer.render_json());
         }});
    state.routes.push_back(
        {"/v1/optimizer/", [&optimizer](const HttpRequest& req, std::string_view body, std::string& scratch) {
             return optimizer_action(optimizer, req, body, scratch);
         }});
}

std::unique_ptr<OptimizerService> start_optimizer(EngineState& state, const CliArgs& args) {
    OptimizerOptions o;
    o.interval = std::chrono::seconds(args.integer("optimizer-interval", 600, 1, 7L * 86400));
    o.min_days = static_cast<int>(args.integer("optimizer-min-days", o.min_days, 8, 3650));
    o.max_daily_change = args.number("optimizer-max-change", o.max_daily_change);
    if (!(o.max_daily_change >= 0 && o.max_daily_change <= 1))
        throw CliError("--optimizer-max-change must be in [0, 1]");
    o.require_approval = args.has("optimizer-approval");
    auto service = std::make_unique<OptimizerService>(state, o);
    register_optimizer_routes(state, *service);
    service->start();
    return service;
}

}  // namespace bidline
