// The wall clock in milliseconds since the epoch, as event timestamps carry
// it: for tests that send events "now" to a real engine.
#pragma once

#include <chrono>
#include <cstdint>

namespace bidline::test {

inline std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace bidline::test
