// Engine settings: where to listen, how many shards, where data lives and
// the limits that protect the server from its clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bidline {

struct ServerLimits {
    std::uint32_t max_header_bytes = 8 * 1024;
    std::uint32_t max_body_bytes = 64 * 1024;            // after gzip inflation too
    std::uint32_t max_connections_per_shard = 4096;
    std::chrono::milliseconds idle_timeout{30'000};      // keep-alive connection with no request
    std::chrono::milliseconds header_timeout{5'000};     // first byte to end of headers
    std::chrono::milliseconds body_timeout{10'000};      // end of headers to end of body
};

struct EngineSettings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::uint32_t shards = 0;                   // 0 = one per core
    std::string data_dir = "data";
    std::chrono::milliseconds control_tick{250};
    ServerLimits limits;
    // Public base URL that win/billing notice URLs in bid responses point at.
    std::string notice_base_url;                // empty = http://<listen_host>:<listen_port>
};

}  // namespace bidline
