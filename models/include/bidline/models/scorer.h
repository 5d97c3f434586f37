// One model of either kind — a GBDT saved by XGBoost (.json/.ubj) or a
// bidline-mlp file — behind one call, for tools (`bidline score`) and for
// whatever holds a ModelSet. The kind is told from the file's content.
//
// A Scorer is immutable and shared; each thread makes one ScoringScratch at
// start-up and passes it to every call, so scoring allocates nothing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <variant>

#include "bidline/models/gbdt_flat.h"
#include "bidline/models/gbdt_reference.h"
#include "bidline/models/mlp_eigen.h"

namespace bidline::models {

// Per-thread working memory of a Scorer (only the MLP needs any).
struct ScoringScratch {
    std::optional<MlpScratch> mlp;
};

class Scorer {
public:
    // Throws ModelLoadError naming the file and the problem.
    [[nodiscard]] static Scorer load(const std::filesystem::path& path);
    [[nodiscard]] static Scorer parse(std::string_view bytes);

    [[nodiscard]] std::size_t num_features() const;
    // "gbdt", "gbdt (reference evaluator)" or "mlp".
    [[nodiscard]] const char* kind() const;
    // Allocates: once per thread.
    [[nodiscard]] ScoringScratch make_scratch(std::size_t max_batch) const;

    // Row i at rows + i·stride (stride in floats; NaN = missing for GBDTs).
    void predict_batch(const float* rows, std::size_t n, std::size_t stride, float* out, ScoringScratch& scratch) const;

private:
    // ReferenceGbdt only for ensembles FlatGbdt refuses (over kMaxFeatures).
    using Model = std::variant<FlatGbdt, ReferenceGbdt, EigenMlp>;
    explicit Scorer(Model model) : model_(std::move(model)) {}
    Model model_;
};

}  // namespace bidline::models
