// A small document tree that both XGBoost model encodings (JSON and UBJSON)
// are read into, so that one piece of code (xgboost_model.cc) turns either
// into a GbdtEnsemble. Arrays of numbers — nearly all of a model — are kept
// as one vector of doubles rather than one node per number.
//
// Loading only; never on the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bidline::models::xgboost {

struct Document {
    enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kNumberArray, kObject };

    Kind kind = Kind::kNull;
    bool boolean = false;
    double number = 0;
    std::string text;
    std::vector<double> numbers;                           // kNumberArray
    std::vector<Document> items;                           // kArray
    std::vector<std::pair<std::string, Document>> fields;  // kObject, in file order

    // Declared here, defined in xgboost_document.cc: left implicit, clang 14
    // with libstdc++ 12 instantiates vector<pair<string, Document>>'s
    // constexpr destructor while Document is still incomplete and rejects it.
    Document();
    ~Document();
    Document(const Document&);
    Document(Document&&) noexcept;
    Document& operator=(const Document&);
    Document& operator=(Document&&) noexcept;

    [[nodiscard]] const Document* find(std::string_view key) const {
        for (const auto& [k, v] : fields)
            if (k == key) return &v;
        return nullptr;
    }
};

// Both throw ModelLoadError with a byte offset or the parser's message.
[[nodiscard]] Document parse_json(std::string_view bytes);
[[nodiscard]] Document parse_ubjson(std::string_view bytes);

}  // namespace bidline::models::xgboost
