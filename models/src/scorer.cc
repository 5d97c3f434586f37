#include "bidline/models/scorer.h"

#include <cassert>
#include <fstream>
#include <iterator>
#include <string>

#include "bidline/models/mlp_format.h"
#include "bidline/models/model_load_error.h"
#include "bidline/models/xgboost_loader.h"

namespace bidline::models {

Scorer Scorer::parse(std::string_view bytes) {
    if (looks_like_mlp(bytes)) return Scorer(Model(std::in_place_type<EigenMlp>, parse_mlp(bytes)));
    if (!looks_like_xgboost_model(bytes))
        throw ModelLoadError("neither an XGBoost model (JSON/UBJSON) nor a bidline-mlp file");
    GbdtEnsemble ensemble = parse_xgboost_model(bytes);
    try {
        return Scorer(Model(std::in_place_type<FlatGbdt>, ensemble));
    } catch (const ModelLoadError&) {
        return Scorer(Model(std::in_place_type<ReferenceGbdt>, std::move(ensemble)));
    }
}

Scorer Scorer::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelLoadError(path.string() + ": cannot open");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse(bytes);
    } catch (const ModelLoadError& e) {
        throw ModelLoadError(path.string() + ": " + e.what());
    }
}

std::size_t Scorer::num_features() const {
    return std::visit([](const auto& m) { return m.num_features(); }, model_);
}

const char* Scorer::kind() const {
    if (std::holds_alternative<FlatGbdt>(model_)) return "gbdt";
    if (std::holds_alternative<ReferenceGbdt>(model_)) return "gbdt (reference evaluator)";
    return "mlp";
}

ScoringScratch Scorer::make_scratch(std::size_t max_batch) const {
    ScoringScratch s;
    if (const auto* mlp = std::get_if<EigenMlp>(&model_)) s.mlp = mlp->make_scratch(max_batch);
    return s;
}

void Scorer::predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out,
                           ScoringScratch& scratch) const {
    if (const auto* mlp = std::get_if<EigenMlp>(&model_)) {
        assert(scratch.mlp.has_value());
        mlp->predict_batch(rows, n, stride, out, *scratch.mlp);
    } else if (const auto* flat = std::get_if<FlatGbdt>(&model_)) {
        flat->predict_batch(rows, n, stride, out);
    } else {
        std::get<ReferenceGbdt>(model_).predict_batch(rows, n, stride, out);
    }
}

}  // namespace bidline::models
