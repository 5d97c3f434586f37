// [alerts]: the alert rules' thresholds and the webhook (alert_settings.h).
#include <charconv>
#include <cstdio>

#include "bidline/config/config.h"
#include "section_readers.h"

namespace bidline {

std::optional<HttpUrl> parse_http_url(std::string_view url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return std::nullopt;
    url.remove_prefix(kScheme.size());
    HttpUrl out;
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (slash != std::string_view::npos) out.path = std::string(url.substr(slash));
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
        if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value == 0 || value > 65535)
            return std::nullopt;
        out.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (authority.empty() || authority.find_first_of(" @?#") != std::string_view::npos) return std::nullopt;
    if (out.path.find_first_of(" \r\n") != std::string::npos) return std::nullopt;
    out.host = std::string(authority);
    return out;
}

namespace config_detail {
namespace {

double share(const TomlTable& t, std::string_view key, double fallback, double min, double max) {
    const auto v = t.number(key);
    if (!v) return fallback;
    if (*v < min || *v > max) {
        char range[64];
        std::snprintf(range, sizeof range, "must be in [%g, %g]", min, max);
        t.fail_at(*t.find(key), key, range);
    }
    return *v;
}

int whole(const TomlTable& t, std::string_view key, int fallback, int min, int max) {
    return static_cast<int>(t.integer(key, min, max).value_or(fallback));
}

}  // namespace

AlertSettings read_alerts(const TomlTable& root) {
    AlertSettings a;
    const auto t = root.table("alerts", {"enabled",
                                         "evaluate_every_ms",
                                         "ctr_drop_ratio",
                                         "ctr_window_minutes",
                                         "ctr_trailing_minutes",
                                         "ctr_min_impressions",
                                         "ctr_min_trailing_clicks",
                                         "cpc_over_target",
                                         "cpc_window_minutes",
                                         "cpc_min_clicks",
                                         "budget_used",
                                         "early_plan_share",
                                         "stall_minutes",
                                         "stall_min_behind",
                                         "drift_psi",
                                         "keep_resolved",
                                         "webhook",
                                         "webhook_retries",
                                         "webhook_backoff_ms",
                                         "webhook_timeout_ms",
                                         "webhook_queue"});
    if (!t) return a;
    if (const toml::value* v = t->find("enabled")) {
        if (!v->is_boolean()) t->fail_at(*v, "enabled", "expected true or false");
        a.enabled = v->as_boolean();
    }
    a.evaluate_every_ms = whole(*t, "evaluate_every_ms", a.evaluate_every_ms, 10, 3'600'000);
    a.ctr_drop_ratio = share(*t, "ctr_drop_ratio", a.ctr_drop_ratio, 0.01, 1.0);
    a.ctr_window_minutes = whole(*t, "ctr_window_minutes", a.ctr_window_minutes, 1, 720);
    a.ctr_trailing_minutes = whole(*t, "ctr_trailing_minutes", a.ctr_trailing_minutes, 1, 1439);
    if (a.ctr_window_minutes + a.ctr_trailing_minutes > 1440)
        t->fail_here("ctr_trailing_minutes",
                     "ctr_window_minutes + ctr_trailing_minutes must be at most 1440 (the 24 h series)");
    a.ctr_min_impressions = t->integer("ctr_min_impressions", 1, std::int64_t{1} << 40).value_or(a.ctr_min_impressions);
    a.ctr_min_trailing_clicks =
        t->integer("ctr_min_trailing_clicks", 1, std::int64_t{1} << 40).value_or(a.ctr_min_trailing_clicks);
    a.cpc_over_target = share(*t, "cpc_over_target", a.cpc_over_target, 0.0, 100.0);
    a.cpc_window_minutes = whole(*t, "cpc_window_minutes", a.cpc_window_minutes, 1, 1440);
    a.cpc_min_clicks = t->integer("cpc_min_clicks", 1, std::int64_t{1} << 40).value_or(a.cpc_min_clicks);
    a.budget_used = share(*t, "budget_used", a.budget_used, 0.01, 1.0);
    a.early_plan_share = share(*t, "early_plan_share", a.early_plan_share, 0.0, 1.0);
    a.stall_minutes = whole(*t, "stall_minutes", a.stall_minutes, 1, 1440);
    a.stall_min_behind = share(*t, "stall_min_behind", a.stall_min_behind, 0.0, 1.0);
    a.drift_psi = share(*t, "drift_psi", a.drift_psi, 0.0, 100.0);
    a.keep_resolved = whole(*t, "keep_resolved", a.keep_resolved, 0, 100'000);
    if (const auto url = t->string("webhook")) {
        if (!url->empty() && !parse_http_url(*url))
            t->fail_at(*t->find("webhook"), "webhook", "expected http://HOST[:PORT]/PATH (plain HTTP)");
        a.webhook = *url;
    }
    a.webhook_retries = whole(*t, "webhook_retries", a.webhook_retries, 0, 100);
    a.webhook_backoff_ms = whole(*t, "webhook_backoff_ms", a.webhook_backoff_ms, 1, 3'600'000);
    a.webhook_timeout_ms = whole(*t, "webhook_timeout_ms", a.webhook_timeout_ms, 10, 600'000);
    a.webhook_queue = whole(*t, "webhook_queue", a.webhook_queue, 1, 1'000'000);
    return a;
}

}  // namespace config_detail
}  // namespace bidline
