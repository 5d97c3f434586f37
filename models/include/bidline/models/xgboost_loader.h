// Loads tree models saved by XGBoost (`Booster.save_model`, the C API's
// XGBoosterSaveModel) in either encoding: JSON (.json) and UBJSON (.ubj).
// Supported: the gbtree booster with one output (no multi-class, no
// categorical splits), objectives binary:logistic, reg:logistic,
// reg:squarederror and count:poisson, any depth and tree count. The format
// is told apart by content, not by file name.
//
// Loading is for start-up and tools: errors are ModelLoadError exceptions
// whose message says what is wrong (and, from a file, which file).
#pragma once

#include <filesystem>
#include <string_view>

#include "bidline/models/gbdt_ensemble.h"

namespace bidline::models {

[[nodiscard]] GbdtEnsemble load_xgboost_model(const std::filesystem::path& path);

// The bytes of a model file in either encoding.
[[nodiscard]] GbdtEnsemble parse_xgboost_model(std::string_view bytes);

// True when the bytes look like an XGBoost model (JSON object or UBJSON
// object) rather than some other model format.
[[nodiscard]] bool looks_like_xgboost_model(std::string_view bytes);

}  // namespace bidline::models
