// Polling with a deadline, for tests that wait on a running engine (a
// control tick, a webhook delivery): checks `done` every 20 ms until it
// holds or `limit` passes, so a test never sleeps and hopes.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace bidline::test {

inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

}  // namespace bidline::test
