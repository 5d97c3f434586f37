#include "bidline/engine/route_auth.h"

namespace bidline {

std::optional<Scope> required_scope(HttpMethod method, std::string_view path) {
    // The dashboard page holds no data (its requests carry the key): public, like health.
    if (path == "/healthz" || path == "/dashboard" || path.starts_with("/v1/notice/")) return std::nullopt;
    if (path.starts_with("/openrtb2/")) return Scope::bid;
    if (path == "/v1/events" || path.starts_with("/v1/reports/") || path.starts_with("/v1/stream")) return Scope::events;
    if (path == "/v1/predict") return Scope::read;
    return method == HttpMethod::get || method == HttpMethod::head ? Scope::read : Scope::admin;
}

AuthDecision authorize(const ApiKeyTable& keys, VerifiedKeyCache& cache, const HttpRequest& req) {
    AuthDecision d;
    d.needed = required_scope(req.method, req.path);
    if (!d.needed) return d;
    const std::string_view authorization = req.header("authorization");
    const std::string_view token = bearer_token(authorization);
    d.key = cache.find(token);
    if (d.key == nullptr) {
        d.check = keys.verify(authorization, d.key);
        if (d.check == KeyCheck::ok) cache.remember(token, d.key);
    }
    if (d.check != KeyCheck::ok) d.status = 401;
    else if (!d.key->scopes.has(*d.needed)) d.status = 403;
    return d;
}

}  // namespace bidline
