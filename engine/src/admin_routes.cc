#include "bidline/engine/admin_routes.h"

#include <charconv>
#include <string>

#include "bidline/engine/router.h"

namespace bidline {
namespace {

RouteResponse answer(CampaignAdmin::Answer a, std::string& scratch, std::string& etag) {
    etag = std::move(a.etag);
    RouteResponse r = json_reply(scratch, std::move(a.body), a.status);
    r.etag = etag;
    return r;
}

RouteResponse wrong_method(std::string& scratch, std::string_view allow) {
    return method_not_allowed(scratch, allow, "this endpoint answers " + std::string(allow));
}

// The ETag header points into this per-shard-thread string while the answer is
// written (constructed on each thread's first use, unlike a function-local one
// declared on the main thread).
std::string& etag_buffer() {
    thread_local std::string etag;
    return etag;
}

bool read_number(std::string_view text, std::uint64_t& out) {
    if (text.empty()) return true;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// Who the audit log names: X-Bidline-User, else the API key's name.
std::string_view who(const HttpRequest& req) {
    const std::string_view user = req.header("x-bidline-user");
    return user.empty() ? req.authenticated_as : user;
}

// /v1/KIND: list or create.
RouteResponse collection(CampaignAdmin& admin, EntityKind kind, const HttpRequest& req, std::string_view body,
                         std::string& scratch) {
    if (req.method == HttpMethod::get) return answer(admin.list_entities(kind), scratch, etag_buffer());
    if (req.method == HttpMethod::post) return answer(admin.create(kind, body, who(req)), scratch, etag_buffer());
    return wrong_method(scratch, "GET, POST");
}

// /v1/KIND/ID[/versions|/status]: one entity.
RouteResponse member(CampaignAdmin& admin, EntityKind kind, const HttpRequest& req, std::string_view body,
                     std::string& scratch) {
    const std::string prefix = "/v1/" + std::string(collection_of(kind)) + "/";
    std::string_view id = req.path.substr(prefix.size());
    const std::string_view if_match = req.header("if-match");
    constexpr std::string_view kStatus = "/status", kVersions = "/versions";
    if (kind == EntityKind::campaign && id.ends_with(kStatus)) {
        id.remove_suffix(kStatus.size());
        if (req.method != HttpMethod::post) return wrong_method(scratch, "POST");
        return answer(admin.set_status(id, body, if_match, who(req)), scratch, etag_buffer());
    }
    if (id.ends_with(kVersions)) {
        id.remove_suffix(kVersions.size());
        if (req.method != HttpMethod::get) return wrong_method(scratch, "GET");
        return answer(admin.versions(kind, id), scratch, etag_buffer());
    }
    if (id.empty() || id.find('/') != std::string_view::npos)
        return json_error(scratch, 404, "not_found", prefix + "ID, " + prefix + "ID/versions");
    switch (req.method) {
        case HttpMethod::get: {
            std::uint64_t version = 0;
            std::string v;
            percent_decode(query_param(req.query, "version"), v);
            if (!read_number(v, version))
                return json_error(scratch, 400, "bad_request", "version: expected a version number");
            return answer(admin.get_entity(kind, id, version), scratch, etag_buffer());
        }
        case HttpMethod::put:
            return answer(admin.update(kind, id, body, UpdateMode::replace, if_match, who(req)), scratch,
                          etag_buffer());
        case HttpMethod::patch:
            return answer(admin.update(kind, id, body, UpdateMode::merge, if_match, who(req)), scratch, etag_buffer());
        case HttpMethod::del:
            return answer(admin.archive(kind, id, if_match, who(req)), scratch, etag_buffer());
        default:
            return wrong_method(scratch, "GET, PUT, PATCH, DELETE");
    }
}

}  // namespace

void register_admin_routes(EngineState& state, CampaignAdmin& admin) {
    for (const EntityKind kind :
         {EntityKind::advertiser, EntityKind::campaign, EntityKind::line_item, EntityKind::creative}) {
        const std::string path = "/v1/" + std::string(collection_of(kind));
        state.routes.push_back(
            {path, [&admin, kind](const HttpRequest& req, std::string_view body, std::string& scratch) {
                 return collection(admin, kind, req, body, scratch);
             }});
        state.routes.push_back(
            {path + "/", [&admin, kind](const HttpRequest& req, std::string_view body, std::string& scratch) {
                 return member(admin, kind, req, body, scratch);
             }});
    }
    state.routes.push_back({"/v1/audit", [&admin](const HttpRequest& req, std::string_view, std::string& scratch) {
                                if (req.method != HttpMethod::get) return wrong_method(scratch, "GET");
                                std::uint64_t since = 0, limit = 1000;
                                std::string s, l;
                                percent_decode(query_param(req.query, "since"), s);
                                percent_decode(query_param(req.query, "limit"), l);
                                if (!read_number(s, since))
                                    return json_error(scratch, 400, "bad_request", "since: expected a sequence number");
                                if (!read_number(l, limit) || limit < 1 || limit > 10'000)
                                    return json_error(scratch, 400, "bad_request", "limit: expected 1 to 10000");
                                return answer(admin.audit(since, limit), scratch, etag_buffer());
                            }});
}

}  // namespace bidline
