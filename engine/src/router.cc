#include "bidline/engine/router.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <flatbuffers/flatbuffers.h>

#include "bidline/engine/feed_bridge.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/route_auth.h"

namespace bidline {

std::string_view query_param(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

void percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size()) {
            unsigned v = 0;
            auto r = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
            if (r.ec == std::errc{} && r.ptr == in.data() + i + 3) {
                out += static_cast<char>(v);
                i += 2;
                continue;
            }
        }
        out += in[i] == '+' ? ' ' : in[i];
    }
}

std::string_view status_text(std::uint16_t status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

RouteResponse json_reply(std::string& scratch, std::string body, std::uint16_t status) {
    scratch = std::move(body);
    RouteResponse r;
    r.status = status;
    r.body = scratch;
    return r;
}

RouteResponse json_error(std::string& scratch, std::uint16_t status, std::string_view code, std::string_view message) {
    JsonWriter j;
    j.begin_object().field("error", code).field("message", message).end_object();
    return json_reply(scratch, j.take(), status);
}

RouteResponse method_not_allowed(std::string& scratch, std::string_view allow, std::string_view message) {
    RouteResponse r = json_error(scratch, 405, "method_not_allowed", message);
    r.allow = allow;
    return r;
}

Router::Router(EngineState& state, ShardResources& shard)
    : state_(state), shard_(shard), bid_path_(state, shard), request_log_(state, shard), event_parser_(std::make_unique<feeds::EventLineParser>()),
      fbb_(std::make_unique<flatbuffers::FlatBufferBuilder>(1024)) {
    scratch_.reserve(1024);
}

Router::~Router() = default;

RouteResponse Router::error(std::uint16_t status, std::string_view code, std::string_view message) {
    scratch_.clear();
    scratch_ += "{\"error\":\"";
    append_json_escaped(scratch_, code);
    scratch_ += "\",\"message\":\"";
    append_json_escaped(scratch_, message);
    scratch_ += "\"}";
    RouteResponse r;
    r.status = status;
    r.body = scratch_;
    return r;
}

std::optional<RouteResponse> Router::refuse_unauthorized(const HttpRequest& req) {
    caller_ = {};
    if (!state_.api_keys || state_.api_keys->empty()) return std::nullopt;
    const AuthDecision d = authorize(*state_.api_keys, verified_keys_, req);
    if (d.status == 0) {
        if (d.key != nullptr) caller_ = d.key->name;
        return std::nullopt;
    }
    // A refusal is not the steady state: its message may allocate.
    bump(shard_.counters.auth_refused);
    if (d.status == 401) {
        RouteResponse r = error(401, "unauthorized",
                                d.check == KeyCheck::missing
                                    ? "this endpoint needs an API key: Authorization: Bearer <key>"
                                    : "the API key is not valid (expected Authorization: Bearer bl_...)");
        r.www_authenticate = kBearerChallenge;
        return r;
    }
    const std::string scope(to_string(*d.needed));
    return error(403, "forbidden", "the API key \"" + d.key->name + "\" lacks the scope \"" + scope + "\" this endpoint needs");
}

RouteResponse Router::route(const HttpRequest& req, std::string_view body, Timestamp received) {
    const std::string_view path = req.path;
    if (auto refused = refuse_unauthorized(req)) return *refused;
    if (path == "/openrtb2/bid") {
        if (req.method != HttpMethod::post) {
            RouteResponse r = error(405, "method_not_allowed", "use POST for bid requests");
            r.allow = "POST";
            return r;
        }
        BidAnswer a = bid_path_.handle(body, received);
        request_log_.record(body, received, bid_path_, a.status);
        RouteResponse r;
        r.status = a.status;
        r.body = a.body;
        r.openrtb_version = req.header("x-openrtb-version");
        return r;
    }
    if (path.starts_with("/v1/notice/")) return notice(req, path.substr(11), received);
    if (path == "/v1/events") {
        if (req.method != HttpMethod::post) {
            RouteResponse r = error(405, "method_not_allowed", "POST NDJSON events, one per line");
            r.allow = "POST";
            return r;
        }
        return events(req, body);
    }
    for (const ExtraRoute& r : state_.routes) {
        const bool prefix = !r.path.empty() && r.path.back() == '/';
        if (!(prefix ? path.starts_with(r.path) : path == r.path)) continue;
        // Handlers see who called (a copy: these routes are off the bid path).
        HttpRequest authed = req;
        authed.authenticated_as = caller_;
        return r.handle_on_shard ? r.handle_on_shard(authed, body, extra_scratch_, shard_)
                                 : r.handle(authed, body, extra_scratch_);
    }
    if (req.method != HttpMethod::get && req.method != HttpMethod::head) {
        RouteResponse r = error(405, "method_not_allowed", "this endpoint only answers GET");
        r.allow = "GET, HEAD";
        return r;
    }
    if (path == "/healthz") {
        RouteResponse r;
        r.content_type = "text/plain";
        r.body = "ok\n";
        return r;
    }
    if (path == "/v1/stats") {
        state_.stats_json.refresh(stats_, stats_seen_);
        RouteResponse r;
        r.body = *stats_;
        return r;
    }
    return error(404, "not_found", "no such endpoint");
}

RouteResponse Router::notice(const HttpRequest& req, std::string_view kind, Timestamp received) {
    feeds::Event& e = event_;
    e = feeds::Event{};
    if (kind == "win" || kind == "bill") e.kind = feeds::EventKind::win;
    else if (kind == "loss") e.kind = feeds::EventKind::loss;
    else if (kind == "click") e.kind = feeds::EventKind::click;
    else if (kind == "conversion") e.kind = feeds::EventKind::conversion;
    else return error(404, "not_found", "notices are win, bill, loss, click and conversion");

    auto reject = [&](std::string_view msg) {
        bump(shard_.counters.notice_errors);
        return error(400, "bad_notice", msg);
    };
    const std::string_view bid = query_param(req.query, "bid");
    if (!parse_bid_key(bid)) return reject("bid: expected the 16-hex-digit bid id from the bid response");
    state_.catalog.refresh(catalog_, catalog_seen_);
    percent_decode(query_param(req.query, "li"), scratch_);
    const CompiledLineItem* li = catalog_->find_line_item(scratch_);
    if (li == nullptr || !li->present) return reject("li: unknown line item");
    if (!e.line_item_id.assign(li->model.id.value)) return reject("li: id longer than an event can carry");
    (void)e.bid_id.assign(bid);    // 16 characters: always fits
    (void)e.event_id.assign(bid);  // one notice of each kind per bid
    (void)e.source.assign(kind);
    e.platform = feeds::Platform::exchange;
    e.ts = feeds::UtcMicros{received.time_since_epoch()};

    if (e.kind == feeds::EventKind::win || e.kind == feeds::EventKind::conversion) {
        const bool conversion = e.kind == feeds::EventKind::conversion;
        const std::string_view raw = query_param(req.query, conversion ? "value" : "price");
        double v = 0;
        auto r = std::from_chars(raw.data(), raw.data() + raw.size(), v);
        if (raw.empty() || r.ec != std::errc{} || r.ptr != raw.data() + raw.size() || !std::isfinite(v) || v < 0)
            return reject(conversion ? "value: expected a non-negative number"
                                     : "price: expected the clearing CPM (was ${AUCTION_PRICE} substituted?)");
        // Prices are CPM: one impression costs price/1000. Conversion values are currency units.
        if (conversion) {
            e.value = Micros::from_units(v);
            (void)e.currency.assign("USD");
        } else {
            e.price = Micros::per_impression_from_cpm(v);
        }
    }
    bool orphan = false, overloaded = false;
    const std::uint64_t seq = ingest(e, orphan, overloaded);
    if (overloaded) {
        RouteResponse r = error(503, "overloaded", "event queue full; retry");
        r.retry_after_s = 1;
        return r;
    }
    bump(shard_.counters.notices);
    RouteResponse r;
    r.status = 200;
    r.content_type = "text/plain";
    r.body = "";
    r.durable_after = seq;
    return r;
}

}  // namespace bidline
