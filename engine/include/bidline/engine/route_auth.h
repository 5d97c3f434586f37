// Which scope each HTTP route needs once API keys are configured, and the
// check the Router runs before any handler: 401 without a valid key, 403
// when the key lacks the route's scope.
//
//   /healthz, /v1/notice/*                 open (exchanges fire nurl/burl/lurl
//                                          as pixels, without headers)
//   /openrtb2/*                            bid
//   /v1/events, /v1/reports/*, /v1/stream  events
//   POST /v1/predict                       read (it computes, changes nothing)
//   any other POST/PUT/PATCH/DELETE        admin (models, optimizer, campaigns)
//   any other GET/HEAD                     read (stats, metrics, dashboard, adjustments)
//
// Threads: any shard; pure functions over the request, no allocation.
#pragma once

#include <optional>
#include <string_view>

#include "bidline/engine/api_keys.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/verified_key_cache.h"

namespace bidline {

// The scope a request needs, or nullopt for an open route.
[[nodiscard]] std::optional<Scope> required_scope(HttpMethod method, std::string_view path);

// Outcome of authorizing one request: `status` 0 = allowed (then `key` is
// the caller's key, or null on an open route), else 401 or 403.
struct AuthDecision {
    std::uint16_t status = 0;
    const ApiKey* key = nullptr;
    std::optional<Scope> needed;
    KeyCheck check = KeyCheck::ok;
};

// `cache`: the shard's recently verified keys (checked first, filled on success).
[[nodiscard]] AuthDecision authorize(const ApiKeyTable& keys, VerifiedKeyCache& cache, const HttpRequest& req);

// `WWW-Authenticate` value for a 401 (RFC 6750).
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"bidline\"";

}  // namespace bidline
