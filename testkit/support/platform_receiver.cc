#include "support/platform_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace bidline::test {

std::string http_answer(int status, std::string_view extra, std::string_view body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           std::string(extra) + "\r\n" + std::string(body);
}

PlatformReceiver::PlatformReceiver(std::vector<std::string> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0)
        throw std::runtime_error("platform receiver: cannot listen on loopback");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

PlatformReceiver::~PlatformReceiver() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
}

std::vector<Received> PlatformReceiver::received() {
    std::lock_guard lock(mu_);
    return received_;
}

void PlatformReceiver::serve() {
    while (!stop_) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::string buf;
        char tmp[4096];
        for (;;) {
            const std::size_t end = buf.find("\r\n\r\n");
            if (end != std::string::npos) {
                const std::size_t cl = buf.find("Content-Length: ");
                const std::size_t length = cl < end ? std::strtoul(buf.c_str() + cl + 16, nullptr, 10) : 0;
                if (buf.size() >= end + 4 + length) {
                    std::string answer;
                    {
                        std::lock_guard lock(mu_);
                        received_.push_back({buf.substr(0, end), buf.substr(end + 4, length)});
                        answer = script_[std::min(received_.size(), script_.size()) - 1];
                    }
                    buf.erase(0, end + 4 + length);
                    ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
                    continue;
                }
            }
            const ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
            if (n <= 0) break;
            buf.append(tmp, static_cast<std::size_t>(n));
        }
        ::close(c);
    }
}

}  // namespace bidline::test
