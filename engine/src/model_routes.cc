#include "bidline/engine/model_routes.h"

#include <simdjson.h>

#include <chrono>

#include "bidline/engine/bid_path.h"
#include "bidline/engine/candidate_scorer.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/model_registry.h"
#include "bidline/engine/openrtb_parser.h"
#include "bidline/engine/router.h"

namespace bidline {

namespace {

// The JSON object body of an admin call, or an error message.
struct Body {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    std::string error;
};

bool parse_body(std::string_view text, Body& b) {
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    if (b.parser.parse(padded).get(root) != simdjson::SUCCESS || root.get_object().get(b.object) != simdjson::SUCCESS) {
        b.error = "expected a JSON object";
        return false;
    }
    return true;
}

std::optional<std::uint32_t> version_field(const Body& b) {
    std::uint64_t v = 0;
    if (b.object["version"].get_uint64().get(v) != simdjson::SUCCESS || v == 0 || v > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

RouteResponse models_route(EngineState& state, ModelRegistry& registry, const HttpRequest& req, std::string_view body,
                           std::string& scratch) {
    const std::int64_t now_us = state.clock.now().time_since_epoch().count();
    std::string_view rest = req.path.substr(std::string_view("/v1/models").size());
    if (rest.empty() || rest == "/") {
        if (req.method != HttpMethod::get) return method_not_allowed(scratch, "GET", "GET /v1/models");
        return json_reply(scratch, registry.describe_json());
    }
    rest.remove_prefix(1);
    const std::size_t slash = rest.find('/');
    const std::string_view role_name = rest.substr(0, slash);
    const std::string_view action = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const auto role = parse_model_role(role_name);
    if (!role)
        return json_error(scratch, 404, "not_found",
                          "unknown model role \"" + std::string(role_name) + "\" (expected click, conversion or value)");
    const bool post = req.method == HttpMethod::post;
    Body b;
    const bool needs_body = post && (action == "versions" || action == "activate" || action == "candidate");
    if (needs_body && !parse_body(body, b)) return json_error(scratch, 400, "bad_request", b.error);
    try {
        JsonWriter j;
        j.begin_object().field("role", to_string(*role));
        if (action == "versions") {
            if (!post) return method_not_allowed(scratch, "POST", "POST /v1/models/ROLE/versions {\"path\": DIR}");
            std::string_view path;
            if (b.object["path"].get_string().get(path) != simdjson::SUCCESS || path.empty())
                return json_error(scratch, 400, "bad_request", "path: expected the model bundle directory (as `bidline train --out` wrote it)");
            const std::uint32_t v = registry.add(*role, std::string(path), now_us);
            j.field("version", v).end_object();
            return json_reply(scratch, j.take(), 201);
        }
        if (action == "activate") {
            if (!post) return method_not_allowed(scratch, "POST", "POST /v1/models/ROLE/activate {\"version\": N}");
            const auto v = version_field(b);
            if (!v) return json_error(scratch, 400, "bad_request", "version: expected a positive integer");
            registry.activate(*role, *v);
            j.field("active", *v).end_object();
            return json_reply(scratch, j.take());
        }
        if (action == "rollback") {
            if (!post) return method_not_allowed(scratch, "POST", "POST /v1/models/ROLE/rollback");
            j.field("active", registry.rollback(*role)).end_object();
            return json_reply(scratch, j.take());
        }
        if (action == "promote") {
            if (!post) return method_not_allowed(scratch, "POST", "POST /v1/models/ROLE/promote");
            j.field("active", registry.promote(*role)).end_object();
            return json_reply(scratch, j.take());
        }
        if (action == "candidate") {
            if (req.method == HttpMethod::del) {
                registry.clear_candidate(*role);
                j.key("candidate").null().end_object();
                return json_reply(scratch, j.take());
            }
            if (!post)
                return method_not_allowed(scratch, "POST, DELETE",
                                          "POST /v1/models/ROLE/candidate {\"version\": N, \"mode\": \"shadow\"|\"ab\", \"share\": S}");
            const auto v = version_field(b);
            if (!v) return json_error(scratch, 400, "bad_request", "version: expected a positive integer");
            std::string_view mode_text, experiment;
            if (b.object["mode"].get_string().get(mode_text) != simdjson::SUCCESS || !parse_candidate_mode(mode_text))
                return json_error(scratch, 400, "bad_request", "mode: expected \"shadow\" or \"ab\"");
            double share = 0;
            if (b.object["share"].get_double().get(share) != simdjson::SUCCESS) {
                std::int64_t i = 0;
                if (b.object["share"].get_int64().get(i) != simdjson::SUCCESS)
                    return json_error(scratch, 400, "bad_request", "share: expected a number in (0, 1]");
                share = static_cast<double>(i);
            }
            if (b.object["experiment"].get_string().get(experiment) != simdjson::SUCCESS) experiment = {};
            registry.set_candidate(*role, *v, *parse_candidate_mode(mode_text), share, std::string(experiment));
            j.key("candidate").begin_object().field("version", *v).field("mode", mode_text).field("share", share).end_object();
            j.end_object();
            return json_reply(scratch, j.take());
        }
        return json_error(scratch, 404, "not_found",
                          "unknown action \"" + std::string(action) + "\" (versions, activate, rollback, candidate, promote)");
    } catch (const ModelRegistryError& e) {
        const std::string_view code = e.status == 404 ? "not_found" : e.status == 409 ? "conflict" : e.status == 400 ? "bad_request" : "internal";
        return json_error(scratch, e.status, code, e.what());
    }
}

void write_interval(JsonWriter& j, std::string_view key, const ServedModel* m, double p) {
    const models::CalibrationInterval* c = m ? models::interval_for(m->calibration, p) : nullptr;
    j.key(key);
    if (c == nullptr) {
        j.null();
        return;
    }
    j.begin_object().field("observed", c->observed).field("low", c->low).field("high", c->high)
        .field("held_out_rows", static_cast<std::uint64_t>(c->count)).end_object();
}

RouteResponse predict(EngineState& state, const HttpRequest& req, std::string_view body, std::string& scratch) {
    if (req.method != HttpMethod::post) return method_not_allowed(scratch, "POST", "POST /v1/predict with an OpenRTB bid request");
    OpenRtbParser parser(state.settings.limits.max_body_bytes);
    BidRequestView request;
    if (OpenRtbError err = parser.parse(body, request))
        return json_error(scratch, 400, std::string(to_string(err.code)), std::string(err.message) + " (" + std::string(err.detail) + ")");
    std::string wanted;
    percent_decode(query_param(req.query, "line_item"), wanted);
    const auto catalog = state.catalog.load();
    const auto control = state.control.load();
    const auto set = state.models.load();
    if (!wanted.empty() && catalog->find_line_item(wanted) == nullptr)
        return json_error(scratch, 404, "not_found", "unknown line item \"" + wanted + "\"");

    const auto started = std::chrono::steady_clock::now();
    const std::int64_t now_us = state.clock.now().time_since_epoch().count();
    CandidateScorer scorer(nullptr, ScoredRows::all);
    scorer.use(set);
    const std::string_view user = !request.user.id.empty() ? request.user.id : request.device.ifa;
    scorer.assign(user.empty() ? request.id : user);
    EligibilityScratch eligibility;
    eligibility.resize(catalog->line_item_capacity());
    LineItemSet everything(catalog->line_item_capacity());
    for (const CompiledLineItem& li : catalog->line_items())
        if (li.present) everything.set(li.index.value);

    JsonWriter j;
    j.begin_object().field("id", request.id);
    j.key("imps").begin_array();
    std::array<std::uint32_t, kModelRoles> used{};
    for (std::size_t k = 0; k < request.imps.size(); ++k) {
        const ImpView& imp = request.imps.items[k];
        std::vector<ScoringCandidate> candidates;
        if (!wanted.empty()) {
            const CompiledLineItem* li = catalog->find_line_item(wanted);
            ScoringCandidate c{li->index.value, nullptr, 0, 0};
            c.creative = pick_creative(*li, request, imp, c.w, c.h);  // none fits: scored without a creative
            candidates.push_back(c);
        } else {
            catalog->targeting().eligible(request, imp, everything, eligibility);
            eligibility.eligible.for_each([&](std::uint32_t i) {
                ScoringCandidate c{i, nullptr, 0, 0};
                c.creative = pick_creative(catalog->line_item(LineItemIndex{i}), request, imp, c.w, c.h);
                if (c.creative != nullptr) candidates.push_back(c);  // as the bid path: no creative, no candidate
            });
        }
        scorer.begin_imp(request, k, now_us, -1.0);
        j.begin_object().field("imp", imp.id).key("line_items").begin_array();
        std::array<ScoredCandidate, CandidateScorer::kBatch> out;
        for (std::size_t from = 0; from < candidates.size(); from += CandidateScorer::kBatch) {
            const std::size_t n = std::min(CandidateScorer::kBatch, candidates.size() - from);
            scorer.score(std::span(candidates.data() + from, n), *catalog, *control, std::span(out.data(), n));
            for (std::size_t r = 0; r < kModelRoles; ++r) used[r] = std::max(used[r], scorer.version_used(static_cast<ModelRole>(r)));
            for (std::size_t i = 0; i < n; ++i) {
                const CompiledLineItem& li = catalog->line_item(LineItemIndex{candidates[from + i].line_item});
                const Scores& s = out[i].scores;
                j.begin_object().field("line_item", li.model.id.value);
                if (s.present) {
                    j.field("pctr", s.pctr);
                    // The held-out calibration is the tree model's: none for FTRL alone.
                    write_interval(j, "pctr_interval", out[i].online_only ? nullptr : &set->role(ModelRole::click).active, s.pctr);
                } else {
                    j.key("pctr").null();
                }
                j.field("pcvr", s.pcvr);
                write_interval(j, "pcvr_interval", scorer.version_used(ModelRole::conversion) ? &set->role(ModelRole::conversion).active : nullptr, s.pcvr);
                j.field("conversion_value", s.value);
                j.field("scored_by", !s.present           ? "fallback"
                                     : out[i].online_only    ? "online"
                                     : out[i].online_blended ? "trees+online"
                                                             : "trees");
                j.end_object();
            }
        }
        j.end_array().end_object();
    }
    j.end_array();
    j.key("model_versions").begin_object();
    for (std::size_t r = 0; r < kModelRoles; ++r) {
        j.key(to_string(static_cast<ModelRole>(r)));
        used[r] ? j.value(used[r]) : j.null();
    }
    j.end_object();
    j.field("inference_us", std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
    j.end_object();
    return json_reply(scratch, j.take());
}

}  // namespace

void register_model_routes(EngineState& state, ModelRegistry& registry) {
    ExtraRoute models;
    models.path = "/v1/models/";
    models.handle = [&state, &registry](const HttpRequest& req, std::string_view body, std::string& scratch) {
        return models_route(state, registry, req, body, scratch);
    };
    state.routes.push_back(models);
    models.path = "/v1/models";
    state.routes.push_back(std::move(models));
    ExtraRoute p;
    p.path = "/v1/predict";
    p.handle = [&state](const HttpRequest& req, std::string_view body, std::string& scratch) {
        return predict(state, req, body, scratch);
    };
    state.routes.push_back(std::move(p));
}

}  // namespace bidline
