#include "bidline/engine/admin_routes.h"

#include <charconv>
#include <string>

#include "bidline/engine/router.h"

namespace bidline {
namespace {

RouteResponse answer(CampaignAdmin::Answer a, std::string& scratch, std::string& etag) {
    scratch = std::move(a.body);
    etag = std::move(a.etag);
    RouteResponse r;
    r.status = a.status;
    r.body = scratch;
    r.etag = etag;
    return r;
}

RouteResponse wrong_method(std::string& scratch, std::string_view allow) {
    RouteResponse r = json_error(scratch, 405, "method_not_allowed", "this endpoint answers " + std::string(allow));
    r.allow = allow;
    return r;
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

}  // namespace

void register_admin_routes(EngineState& state, CampaignAdmin& admin) {
    state.routes.push_back({"/v1/campaigns", [&admin](const HttpRequest& req, std::string_view, std::string& scratch) {
                                if (req.method != HttpMethod::get) return wrong_method(scratch, "GET");
                                return answer(admin.list(), scratch, etag_buffer());
                            }});
    state.routes.push_back(
        {"/v1/campaigns/", [&admin](const HttpRequest& req, std::string_view body, std::string& scratch) {
             std::string_view rest = req.path.substr(std::string_view("/v1/campaigns/").size());
             constexpr std::string_view kStatus = "/status";
             if (rest.ends_with(kStatus)) {
                 rest.remove_suffix(kStatus.size());
                 if (req.method != HttpMethod::post) return wrong_method(scratch, "POST");
                 return answer(admin.set_status(rest, body, req.header("if-match"), req.header("x-bidline-user")),
                               scratch, etag_buffer());
             }
             if (rest.empty() || rest.find('/') != std::string_view::npos)
                 return json_error(scratch, 404, "not_found", "GET /v1/campaigns/ID or POST /v1/campaigns/ID/status");
             if (req.method != HttpMethod::get) return wrong_method(scratch, "GET");
             return answer(admin.get(rest), scratch, etag_buffer());
         }});
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
