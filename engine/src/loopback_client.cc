#include "loopback_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bidline {

LoopbackClient::~LoopbackClient() { disconnect(); }

void LoopbackClient::disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
}

bool LoopbackClient::connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    ::inet_pton(AF_INET, host_.c_str(), &a.sin_addr);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        disconnect();
        return false;
    }
    return true;
}

LoopbackResponse LoopbackClient::request(std::string_view method, std::string_view target, std::string_view body,
                                         std::string_view extra_headers, std::string_view content_type) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (fd_ < 0 && !connect()) return {};
        std::string req;
        req.reserve(256 + body.size());
        req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ").append(host_);
        req.append("\r\n").append(extra_headers);
        if (!body.empty() || method == "POST")
            req.append("Content-Type: ").append(content_type).append("\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n");
        req.append("\r\n").append(body);
        if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
            disconnect();
            continue;  // the server closed an idle connection: reconnect once
        }
        buf_.clear();
        std::size_t header_end = std::string::npos;
        char tmp[16384];
        while (header_end == std::string::npos) {
            const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n <= 0) break;
            buf_.append(tmp, static_cast<std::size_t>(n));
            header_end = buf_.find("\r\n\r\n");
        }
        if (header_end == std::string::npos) {
            disconnect();
            continue;
        }
        LoopbackResponse r;
        r.status = std::atoi(buf_.c_str() + 9);
        std::size_t length = 0;
        const std::size_t cl = buf_.find("Content-Length: ");
        if (cl != std::string::npos && cl < header_end) length = std::strtoul(buf_.c_str() + cl + 16, nullptr, 10);
        const bool close = buf_.find("Connection: close") < header_end;
        const std::size_t retry = buf_.find("Retry-After: ");
        if (retry != std::string::npos && retry < header_end) r.retry_after_s = std::atoi(buf_.c_str() + retry + 13);
        while (buf_.size() < header_end + 4 + length) {
            const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n <= 0) break;
            buf_.append(tmp, static_cast<std::size_t>(n));
        }
        r.body = buf_.substr(header_end + 4, length);
        if (close) disconnect();
        return r;
    }
    return {};
}

}  // namespace bidline
