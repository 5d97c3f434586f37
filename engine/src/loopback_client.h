// A minimal blocking HTTP/1.1 client to an IPv4 address (the demo traffic
// source, the Redis Streams consumer, the activation sender): one
// keep-alive connection, Content-Length bodies only, 5 s receive timeout.
// Not for the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bidline {

struct LoopbackResponse {
    int status = 0;  // 0 = transport failure
    std::string body;
    int retry_after_s = 0;  // the Retry-After header (seconds), 0 when absent
};

class LoopbackClient {
public:
    LoopbackClient(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}
    ~LoopbackClient();
    LoopbackResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                             std::string_view extra_headers = {},
                             std::string_view content_type = "application/json");

private:
    bool connect();
    void disconnect();
    std::string host_;
    std::uint16_t port_;
    int fd_ = -1;
    std::string buf_;
};

}  // namespace bidline
