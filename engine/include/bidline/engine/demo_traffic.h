// DemoTraffic: the built-in synthetic traffic source of `bidline demo`. It
// plays an exchange against the engine over loopback HTTP: it sends varied
// OpenRTB requests, runs a simulated auction on each bid (a log-normal
// market price), calls the win notice with the clearing price, and follows
// wins with clicks and conversions from hidden rates. Seeded: the same seed
// sends the same traffic.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace bidline {

struct DemoTrafficOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    double requests_per_second = 200.0;
    std::uint64_t seed = 42;
};

class DemoTraffic {
public:
    explicit DemoTraffic(DemoTrafficOptions options);
    ~DemoTraffic();
    void start();
    void stop();
    std::uint64_t sent() const { return sent_.load(); }
    std::uint64_t bids() const { return bids_.load(); }
    std::uint64_t wins() const { return wins_.load(); }

private:
    void run();
    DemoTrafficOptions options_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> sent_{0}, bids_{0}, wins_{0};
    std::thread thread_;
};

}  // namespace bidline
