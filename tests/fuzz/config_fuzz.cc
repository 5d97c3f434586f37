// Fuzzes configuration loading (TOML text → validated Config). Any bad
// input must end in ConfigError (which names the source, line, field and
// reason), never in a crash, a hang or another exception.
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I config/include -I config/src \
//   tests/fuzz/config_fuzz.cc config/src/*.cc
#include <cstdint>
#include <string_view>

#include "bidline/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const bidline::Config config = bidline::load_config_text(text, "<fuzz>");
        (void)config;
    } catch (const bidline::ConfigError&) {
        // A rejected configuration is the expected outcome for most inputs.
    }
    return 0;
}
