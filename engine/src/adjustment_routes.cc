#include "bidline/engine/adjustment_routes.h"

#include <charconv>
#include <optional>
#include <string>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"

namespace bidline {
namespace {

constexpr std::uint64_t kMaxLimit = 10'000, kDefaultLimit = 1'000;

// A non-negative decimal integer, all of `text`; nullopt otherwise (or on overflow).
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    std::uint64_t v = 0;
    if (text.empty()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

RouteResponse get_adjustments(const ControlLoop& control, const HttpRequest& req, std::string& scratch) {
    if (req.method != HttpMethod::get) return method_not_allowed(scratch, "GET", "GET /v1/adjustments?since=SEQ");
    std::string since_text, platform_text, limit_text;
    percent_decode(query_param(req.query, "since"), since_text);
    percent_decode(query_param(req.query, "platform"), platform_text);
    percent_decode(query_param(req.query, "limit"), limit_text);

    std::uint64_t since = 0;
    if (!since_text.empty()) {
        const auto v = parse_unsigned(since_text);
        if (!v)
            return json_error(scratch, 400, "bad_request",
                              "since: expected a sequence number (a non-negative integer, the next_since of the "
                              "previous answer), got \"" +
                                  since_text + "\"");
        since = *v;
    }
    AdPlatform platform = AdPlatform::none;
    if (!platform_text.empty()) {
        const auto p = parse_ad_platform(platform_text);
        if (!p)
            return json_error(scratch, 400, "bad_request",
                              "platform: expected google_ads, meta or tiktok, got \"" + platform_text + "\"");
        platform = *p;
    }
    std::uint64_t limit = kDefaultLimit;
    if (!limit_text.empty()) {
        const auto v = parse_unsigned(limit_text);
        if (!v || *v < 1 || *v > kMaxLimit)
            return json_error(scratch, 400, "bad_request",
                              "limit: expected an integer from 1 to 10000, got \"" + limit_text + "\"");
        limit = *v;
    }

    const AdjustmentLog::Page page = control.adjustments().since(since, platform, limit);
    JsonWriter j;
    j.begin_object();
    j.key("adjustments").begin_array();
    for (const Adjustment& a : page.adjustments) write_json(j, a);
    j.end_array();
    j.field("next_since", page.next_since).field("truncated", page.truncated).end_object();
    return json_reply(scratch, j.take());
}

}  // namespace

void register_adjustment_routes(EngineState& state, const ControlLoop& control) {
    ExtraRoute route;
    route.path = "/v1/adjustments";
    route.handle = [&control](const HttpRequest& req, std::string_view, std::string& scratch) {
        return get_adjustments(control, req, scratch);
    };
    state.routes.push_back(std::move(route));
}

}  // namespace bidline
