#include "bidline/models/model_bundle.h"

#include <simdjson.h>

#include <string_view>

#include "bidline/models/feature_builder.h"
#include "bidline/models/model_load_error.h"

namespace bidline::models {

FeatureSchema current_feature_schema() {
    FeatureSchema s;
    s.version = kFeatureSchemaVersion;
    for (const std::string_view name : feature_names()) s.features.emplace_back(name);
    return s;
}

std::string feature_schema_json(const FeatureSchema& schema) {
    std::string out = "{\"feature_schema_version\": " + std::to_string(schema.version) + ", \"features\": [";
    for (std::size_t i = 0; i < schema.features.size(); ++i) {
        out += i == 0 ? "\"" : ", \"";
        out += schema.features[i];  // slot names are plain identifiers: nothing to escape
        out += '"';
    }
    out += "]}\n";
    return out;
}

FeatureSchema read_feature_schema(const std::filesystem::path& path) {
    const std::string where = path.string();
    simdjson::dom::parser parser;
    simdjson::padded_string bytes;
    if (simdjson::padded_string::load(where).get(bytes) != simdjson::SUCCESS)
        throw ModelLoadError(where + ": cannot read the feature schema (a model bundle needs schema.json)");
    simdjson::dom::object root;
    if (parser.parse(bytes).get_object().get(root) != simdjson::SUCCESS)
        throw ModelLoadError(where + ": not a JSON object");
    FeatureSchema s;
    std::uint64_t version = 0;
    if (root["feature_schema_version"].get_uint64().get(version) != simdjson::SUCCESS || version > UINT32_MAX)
        throw ModelLoadError(where + ": feature_schema_version missing or not a non-negative integer");
    s.version = static_cast<std::uint32_t>(version);
    simdjson::dom::array names;
    if (root["features"].get_array().get(names) != simdjson::SUCCESS)
        throw ModelLoadError(where + ": features missing or not an array");
    for (simdjson::dom::element e : names) {
        std::string_view name;
        if (e.get_string().get(name) != simdjson::SUCCESS) throw ModelLoadError(where + ": features: expected strings");
        s.features.emplace_back(name);
    }
    return s;
}

void check_feature_schema(const FeatureSchema& schema, const std::filesystem::path& path) {
    const std::string where = path.string();
    if (schema.version != kFeatureSchemaVersion)
        throw ModelLoadError(where + ": model trained on feature schema version " + std::to_string(schema.version) +
                             ", this build computes version " + std::to_string(kFeatureSchemaVersion) +
                             ": retrain the model with this build's `bidline train`");
    const FeatureSchema current = current_feature_schema();
    if (schema.features != current.features)
        throw ModelLoadError(where + ": feature names differ from this build's schema version " +
                             std::to_string(kFeatureSchemaVersion) + " (" + std::to_string(schema.features.size()) +
                             " names, expected " + std::to_string(current.features.size()) + ")");
}

ModelBundle load_model_bundle(const std::filesystem::path& dir) {
    const std::filesystem::path schema_path = dir / "schema.json";
    FeatureSchema schema = read_feature_schema(schema_path);
    check_feature_schema(schema, schema_path);
    const std::filesystem::path model_path = dir / "model.json";
    Scorer scorer = Scorer::load(model_path);
    if (scorer.num_features() != schema.features.size())
        throw ModelLoadError(model_path.string() + ": the model takes " + std::to_string(scorer.num_features()) +
                             " features, its schema lists " + std::to_string(schema.features.size()));
    return ModelBundle{std::move(schema), std::move(scorer)};
}

}  // namespace bidline::models
