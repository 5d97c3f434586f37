// Engine settings: where to listen, how many shards, where data lives and
// the limits that protect the server from its clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bidline {

struct ServerLimits {
    std::uint32_t max_header_bytes = 8 * 1024;
    std::uint32_t max_body_bytes = 64 * 1024;            // after gzip inflation too
    std::uint32_t max_connections_per_shard = 4096;
    std::chrono::milliseconds idle_timeout{30'000};      // keep-alive connection with no request
    std::chrono::milliseconds header_timeout{5'000};     // first byte to end of headers
    std::chrono::milliseconds body_timeout{10'000};      // end of headers to end of body
    // A bid request without tmax must be answered within this (overload shedding, engine/src/net/README.md).
    std::chrono::milliseconds default_deadline{100};
};

// Which bid requests go to the event log, each with the engine's decision
// (one record: `bidline log cat` prints them, `replay --format native`
// replays them). Logging never slows bidding: when the log's ring is full a
// record is skipped and counted (request_log_skipped in /v1/stats).
enum class RequestLogMode : std::uint8_t { off, sampled, full };
std::string_view to_string(RequestLogMode);
std::optional<RequestLogMode> parse_request_log_mode(std::string_view);

struct RequestLogSettings {
    RequestLogMode mode = RequestLogMode::sampled;
    double sample_rate = 0.01;  // share of requests logged when sampled
};

struct EngineSettings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    // Binary event stream (feeds/README.md): same host; 0 picks a free port; unset = no stream listener.
    std::optional<std::uint16_t> stream_port;
    std::uint32_t shards = 0;                   // 0 = one per core
    std::string data_dir = "data";
    std::chrono::milliseconds control_tick{250};
    ServerLimits limits;
    RequestLogSettings request_log;
    // Public base URL that win/billing notice URLs in bid responses point at.
    std::string notice_base_url;                // empty = http://<listen_host>:<listen_port>
    // API key file (`bidline keys add`); relative to the configuration file.
    // Empty = no auth. Any key in it makes every route but /healthz and the
    // notice URLs need `Authorization: Bearer` (engine/README.md, "API keys").
    std::string api_keys;
    // TLS on the HTTP listener: a PEM certificate chain and its PEM private
    // key (relative to the configuration file); both or neither. Empty = plain HTTP.
    std::string tls_cert;
    std::string tls_key;
};

}  // namespace bidline
