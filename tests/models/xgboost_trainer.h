// Trains real XGBoost models through libxgboost's C API and predicts with
// libxgboost itself, so tests and benchmarks compare our evaluators with the
// library that wrote the model (python3 has no xgboost here). Header-only so
// that bench/ can include it too. Test-side code: failures throw.
#pragma once

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace bidline::test {

inline std::string read_file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void xgb_check(int rc, const char* what) {
    if (rc != 0) throw std::runtime_error(std::string(what) + ": " + XGBGetLastError());
}

// Row-major features with NaN for missing values, and labels that fit the
// objective (0/1, probabilities, real values or counts).
struct GeneratedData {
    std::size_t rows = 0;
    std::size_t features = 0;
    std::vector<float> x;
    std::vector<float> y;
};

inline GeneratedData generate_data(std::size_t rows, std::size_t features, const std::string& objective,
                                   double missing_rate, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    GeneratedData d{rows, features, std::vector<float>(rows * features), std::vector<float>(rows)};
    for (std::size_t r = 0; r < rows; ++r) {
        double signal = 0;
        for (std::size_t f = 0; f < features; ++f) {
            float v = normal(rng);
            // A few integer-valued columns give ties at split thresholds.
            if (f % 5 == 4) v = std::round(v * 2.0f);
            signal += (f % 3 == 0 ? 1.0 : -0.5) * v / (1.0 + static_cast<double>(f % 7));
            if (unit(rng) < missing_rate) v = std::numeric_limits<float>::quiet_NaN();
            d.x[r * features + f] = v;
        }
        const double p = 1.0 / (1.0 + std::exp(-signal));
        float label = 0;
        if (objective == "binary:logistic")
            label = unit(rng) < p ? 1.0f : 0.0f;
        else if (objective == "reg:logistic")
            label = static_cast<float>(p);
        else if (objective == "count:poisson")
            label = std::poisson_distribution<int>(3.0 * p)(rng);
        else
            label = static_cast<float>(50.0 + 20.0 * signal + normal(rng));
        d.y[r] = label;
    }
    return d;
}

// One booster handle, freed on destruction.
class XgbBooster {
public:
    XgbBooster() = default;
    XgbBooster(const XgbBooster&) = delete;
    XgbBooster& operator=(const XgbBooster&) = delete;
    ~XgbBooster() {
        if (proxy_ != nullptr) XGDMatrixFree(proxy_);
        if (handle_ != nullptr) XGBoosterFree(handle_);
    }

    // Trains `rounds` trees of at most `max_depth` on `data`.
    static void train(XgbBooster& b, const GeneratedData& data, const std::string& objective, int rounds, int max_depth,
                      const std::vector<std::pair<std::string, std::string>>& extra = {}) {
        DMatrixHandle dtrain = nullptr;
        xgb_check(XGDMatrixCreateFromMat(data.x.data(), data.rows, data.features,
                                         std::numeric_limits<float>::quiet_NaN(), &dtrain),
                  "XGDMatrixCreateFromMat");
        try {
            xgb_check(XGDMatrixSetFloatInfo(dtrain, "label", data.y.data(), data.rows), "set label");
            xgb_check(XGBoosterCreate(&dtrain, 1, &b.handle_), "XGBoosterCreate");
            b.set("objective", objective);
            b.set("max_depth", std::to_string(max_depth));
            b.set("eta", "0.3");
            b.set("nthread", "1");
            b.set("tree_method", "hist");
            b.set("seed", "7");
            for (const auto& [k, v] : extra) b.set(k, v);
            for (int i = 0; i < rounds; ++i) xgb_check(XGBoosterUpdateOneIter(b.handle_, i, dtrain), "update");
        } catch (...) {
            XGDMatrixFree(dtrain);
            throw;
        }
        XGDMatrixFree(dtrain);
        xgb_check(XGProxyDMatrixCreate(&b.proxy_), "XGProxyDMatrixCreate");
    }

    void set(const std::string& key, const std::string& value) {
        xgb_check(XGBoosterSetParam(handle_, key.c_str(), value.c_str()), "XGBoosterSetParam");
    }

    // The extension picks the format: .json or .ubj.
    void save(const std::filesystem::path& path) const {
        xgb_check(XGBoosterSaveModel(handle_, path.c_str()), "XGBoosterSaveModel");
    }

    // Inplace prediction over `rows` rows of `features` floats (NaN = missing),
    // with a persistent proxy DMatrix: libxgboost's fastest path.
    // The returned pointer is owned by libxgboost until the next call.
    const float* predict_dense(const float* x, std::size_t rows, std::size_t features) const {
        const std::string array = R"({"data": [)" + std::to_string(reinterpret_cast<std::uintptr_t>(x)) +
                                  R"(, true], "shape": [)" + std::to_string(rows) + ", " + std::to_string(features) +
                                  R"(], "typestr": "<f4", "version": 3})";
        // libxgboost 1.7.4 needs "cache_id" (MACHINE-NOTES.md).
        static constexpr const char* kConfig =
            R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "cache_id": 0, "missing": NaN})";
        const bst_ulong* shape = nullptr;
        bst_ulong dim = 0;
        const float* out = nullptr;
        xgb_check(XGBoosterPredictFromDense(handle_, array.c_str(), kConfig, proxy_, &shape, &dim, &out),
                  "XGBoosterPredictFromDense");
        return out;
    }

    std::vector<float> predict_all(const GeneratedData& d) const {
        const float* p = predict_dense(d.x.data(), d.rows, d.features);
        return std::vector<float>(p, p + d.rows);
    }

    BoosterHandle handle() const { return handle_; }

private:
    BoosterHandle handle_ = nullptr;
    DMatrixHandle proxy_ = nullptr;
};

}  // namespace bidline::test
