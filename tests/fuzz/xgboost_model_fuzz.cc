// Fuzzes the XGBoost model loader (JSON and UBJSON, as saved by
// Booster.save_model). A malformed model must end in ModelLoadError, never
// in a crash, a hang or another exception; an accepted model must predict
// without a memory error.
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -mpclmul -march=x86-64-v3 \
//   -I models/include -I models/src -I config/include -I /usr/include/eigen3 \
//   tests/fuzz/xgboost_model_fuzz.cc models/src/xgboost_*.cc models/src/gbdt_*.cc -lsimdjson
#include <cstdint>
#include <string_view>

#include "bidline/models/xgboost_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const bidline::GbdtEnsemble model = bidline::parse_xgboost_model(bytes);
        (void)model;
    } catch (const bidline::ModelLoadError&) {
        // A rejected model is the expected outcome for most inputs.
    }
    return 0;
}
