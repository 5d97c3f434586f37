// A loopback HTTP server that plays an ad platform's API for the activation
// tests: it records every request (head and body) and answers each with the
// next scripted response, the last one repeating.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bidline::test {

struct Received {
    std::string head;  // request line and headers
    std::string body;
};

// "HTTP/1.1 STATUS X" with `extra` header lines ("Name: value\r\n") and `body`.
std::string http_answer(int status, std::string_view extra = {}, std::string_view body = "{}");

class PlatformReceiver {
public:
    explicit PlatformReceiver(std::vector<std::string> script);
    ~PlatformReceiver();
    PlatformReceiver(const PlatformReceiver&) = delete;
    PlatformReceiver& operator=(const PlatformReceiver&) = delete;

    std::uint16_t port() const { return port_; }
    std::vector<Received> received();

private:
    void serve();

    std::vector<std::string> script_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<Received> received_;
};

}  // namespace bidline::test
