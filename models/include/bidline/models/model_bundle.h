// A trained model as `bidline train` writes it: a directory holding
// model.json (XGBoost JSON), schema.json ({"feature_schema_version": N,
// "features": [names...]}) and metrics.json. The schema travels with the
// model so that a model trained on one feature layout is never scored on
// another: load_model_bundle() refuses a bundle whose schema version or
// slot names differ from this build's FeatureBuilder.
// Off the hot path (start-up, tools): errors are ModelLoadError exceptions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bidline/models/scorer.h"

namespace bidline::models {

struct FeatureSchema {
    std::uint32_t version = 0;
    std::vector<std::string> features;
};

// This build's schema: kFeatureSchemaVersion and feature_names().
[[nodiscard]] FeatureSchema current_feature_schema();

[[nodiscard]] std::string feature_schema_json(const FeatureSchema& schema);
// Throws ModelLoadError naming `path` for a missing file or a bad document.
[[nodiscard]] FeatureSchema read_feature_schema(const std::filesystem::path& path);
// Throws ModelLoadError naming `path` when `schema` is not this build's.
void check_feature_schema(const FeatureSchema& schema, const std::filesystem::path& path);

struct ModelBundle {
    FeatureSchema schema;
    Scorer scorer;
};

// Reads DIR/schema.json, checks it, then loads DIR/model.json and checks its
// width against the schema.
[[nodiscard]] ModelBundle load_model_bundle(const std::filesystem::path& dir);

}  // namespace bidline::models
