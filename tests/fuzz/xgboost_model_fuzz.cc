// Fuzzes the XGBoost model loader (JSON and UBJSON, as saved by
// Booster.save_model). A malformed model must end in ModelLoadError, never
// in a crash, a hang or another exception. An accepted model that FlatGbdt
// also accepts must predict bit for bit what ReferenceGbdt predicts, on a
// row of zeros and on a row of missing values.
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -mpclmul -march=x86-64-v3 \
//   -I models/include -I models/src -I config/include -I /usr/include/eigen3 \
//   tests/fuzz/xgboost_model_fuzz.cc models/src/xgboost_*.cc models/src/gbdt_*.cc -lsimdjson
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "bidline/models/gbdt_flat.h"
#include "bidline/models/gbdt_reference.h"
#include "bidline/models/model_load_error.h"
#include "bidline/models/xgboost_loader.h"

namespace {

bool same_bits(float a, float b) {
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bidline::models;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const GbdtEnsemble model = parse_xgboost_model(bytes);
        if (model.num_features > FlatGbdt::kMaxFeatures) return 0;
        const FlatGbdt flat(model);
        const ReferenceGbdt reference(model);
        for (const float fill : {0.0f, std::numeric_limits<float>::quiet_NaN()}) {
            const std::vector<float> row(model.num_features + 1, fill);
            check(same_bits(flat.predict(row.data()), reference.predict(row.data())));
        }
    } catch (const ModelLoadError&) {
        // A rejected model is the expected outcome for most inputs.
    }
    return 0;
}
