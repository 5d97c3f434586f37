// [engine] and [engine.limits]. Every key is optional: the defaults in
// engine_settings.h make a working local server.
#include <limits>

#include "section_readers.h"
#include "text_formats.h"

namespace bidline::config_detail {

namespace {

constexpr std::int64_t kMaxShards = 256;
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kMaxTimeoutMs = std::int64_t{24} * 3600 * 1000;  // a day

void read_limits(const TomlTable& limits, ServerLimits& out) {
    const auto u32 = [&](std::string_view key, std::uint32_t& field) {
        if (auto v = limits.integer(key, 1, kMaxU32)) field = static_cast<std::uint32_t>(*v);
    };
    const auto timeout = [&](std::string_view key, std::chrono::milliseconds& field) {
        if (auto v = limits.integer(key, 1, kMaxTimeoutMs)) field = std::chrono::milliseconds(*v);
    };
    u32("max_header_bytes", out.max_header_bytes);
    u32("max_body_bytes", out.max_body_bytes);
    u32("max_connections_per_shard", out.max_connections_per_shard);
    timeout("idle_timeout_ms", out.idle_timeout);
    timeout("header_timeout_ms", out.header_timeout);
    timeout("body_timeout_ms", out.body_timeout);
    timeout("default_deadline_ms", out.default_deadline);
}

void read_listen(const TomlTable& engine, EngineSettings& out) {
    const auto text = engine.string("listen");
    if (!text) return;
    const auto address = parse_host_port(*text);
    if (!address) {
        engine.fail_at(*engine.find("listen"), "listen",
                       "expected host:port (e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"), got \"" + *text + "\"");
    }
    out.listen_host = address->host;
    out.listen_port = address->port;
}

void read_notice_base_url(const TomlTable& engine, EngineSettings& out) {
    auto url = engine.string("notice_base_url");
    if (!url || url->empty()) return;
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
        engine.fail_at(*engine.find("notice_base_url"), "notice_base_url",
                       "must start with http:// or https://, got \"" + *url + "\"");
    }
    // Notice paths are appended with their own leading '/'.
    while (url->ends_with('/')) url->pop_back();
    out.notice_base_url = *url;
}

void read_request_log(const TomlTable& log, RequestLogSettings& out) {
    if (const auto mode = log.string("mode")) {
        const auto parsed = parse_request_log_mode(*mode);
        if (!parsed) log.fail_at(*log.find("mode"), "mode", "expected off, sampled or full, got \"" + *mode + "\"");
        out.mode = *parsed;
    }
    if (const auto rate = log.number("sample_rate")) {
        if (!(*rate > 0.0 && *rate <= 1.0))
            log.fail_at(*log.find("sample_rate"), "sample_rate", "must be in (0, 1], got " + std::to_string(*rate));
        out.sample_rate = *rate;
    }
}

// Both files or neither: a certificate without its key cannot serve.
void read_tls(const TomlTable& engine, EngineSettings& out) {
    for (const char* field : {"tls_cert", "tls_key"})
        if (auto file = engine.string(field)) {
            if (file->empty()) engine.fail_at(*engine.find(field), field, "must name a PEM file");
            (std::string_view(field) == "tls_cert" ? out.tls_cert : out.tls_key) = *file;
        }
    if (out.tls_cert.empty() != out.tls_key.empty()) {
        const char* given = out.tls_cert.empty() ? "tls_key" : "tls_cert";
        engine.fail_at(*engine.find(given), given, "tls_cert and tls_key go together: give both or neither");
    }
}

}  // namespace

EngineSettings read_engine(const TomlTable& root) {
    EngineSettings out;
    const auto engine =
        root.table("engine", {"listen", "stream_port", "shards", "data_dir", "control_tick_ms", "notice_base_url", "limits", "request_log", "api_keys",
                                "tls_cert", "tls_key"});
    if (!engine) return out;
    read_listen(*engine, out);
    if (auto port = engine->integer("stream_port", 0, 65535)) out.stream_port = static_cast<std::uint16_t>(*port);
    if (auto shards = engine->integer("shards", 0, kMaxShards)) out.shards = static_cast<std::uint32_t>(*shards);
    if (auto dir = engine->string("data_dir")) {
        if (dir->empty()) engine->fail_at(*engine->find("data_dir"), "data_dir", "must not be empty");
        out.data_dir = *dir;
    }
    if (auto tick = engine->integer("control_tick_ms", 1, 60'000)) out.control_tick = std::chrono::milliseconds(*tick);
    read_notice_base_url(*engine, out);
    if (auto keys = engine->string("api_keys")) {
        if (keys->empty()) engine->fail_at(*engine->find("api_keys"), "api_keys", "must name a key file (bidline keys add)");
        out.api_keys = *keys;
    }
    read_tls(*engine, out);
    const auto limits = engine->table("limits", {"max_header_bytes", "max_body_bytes", "max_connections_per_shard",
                                                 "idle_timeout_ms", "header_timeout_ms", "body_timeout_ms",
                                                 "default_deadline_ms"});
    if (limits) read_limits(*limits, out.limits);
    if (const auto log = engine->table("request_log", {"mode", "sample_rate"})) read_request_log(*log, out.request_log);
    return out;
}

}  // namespace bidline::config_detail
