#include "bidline/engine/alert_webhook.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace bidline {
namespace {

// Closes the socket on every return path.
struct Socket {
    int fd = -1;
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

AlertWebhook::AlertWebhook(HttpUrl url, const AlertSettings& s)
    : url_(std::move(url)),
      retries_(s.webhook_retries),
      backoff_ms_(s.webhook_backoff_ms),
      timeout_ms_(s.webhook_timeout_ms),
      capacity_(static_cast<std::size_t>(s.webhook_queue)),
      thread_([this] { run(); }) {}

AlertWebhook::~AlertWebhook() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void AlertWebhook::post(std::string json_body) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= capacity_) {
            ++stats_.dropped;
            return;
        }
        queue_.push_back(std::move(json_body));
        stats_.queued = queue_.size();
    }
    wake_.notify_one();
}

WebhookStats AlertWebhook::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void AlertWebhook::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        std::string body = std::move(queue_.front());
        queue_.pop_front();
        stats_.queued = queue_.size();
        lock.unlock();
        const bool ok = deliver(body);
        lock.lock();
        ++(ok ? stats_.delivered : stats_.failed);
    }
}

bool AlertWebhook::deliver(const std::string& body) {
    auto backoff = std::chrono::milliseconds(backoff_ms_);
    for (int attempt = 0;; ++attempt) {
        const int status = send_once(body);
        std::unique_lock lock(mutex_);
        ++stats_.attempts;
        stats_.last_status = status;
        if (status >= 200 && status < 300) return true;
        if (attempt >= retries_) return false;
        ++stats_.retries;
        // Waits on the condition so that stopping the engine does not wait out the backoff.
        if (wake_.wait_for(lock, backoff, [this] { return stopping_; })) return false;
        backoff *= 2;
    }
}

int AlertWebhook::send_once(const std::string& body) const {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(url_.host.c_str(), std::to_string(url_.port).c_str(), &hints, &found) != 0 || found == nullptr)
        return 0;
    Socket s;
    s.fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (s.fd < 0) {
        ::freeaddrinfo(found);
        return 0;
    }
    // SO_SNDTIMEO also bounds connect() on Linux.
    const timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
    ::setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int connected = ::connect(s.fd, found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (connected != 0) return 0;
    std::string req = "POST " + url_.path + " HTTP/1.1\r\nHost: " + url_.host + ":" + std::to_string(url_.port) +
                      "\r\nUser-Agent: bidline-alerts\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < req.size();) {
        const ssize_t n = ::send(s.fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return 0;
        sent += static_cast<std::size_t>(n);
    }
    std::string head;
    char buf[1024];
    while (head.find("\r\n") == std::string::npos && head.size() < 8192) {
        const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
    }
    // "HTTP/1.1 200 OK"
    if (head.size() < 12 || !head.starts_with("HTTP/1.")) return 0;
    return std::atoi(head.c_str() + 9);
}

}  // namespace bidline
