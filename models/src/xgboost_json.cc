// XGBoost's JSON model encoding → Document, through simdjson's DOM parser
// (a well-kept library; loading is not hot).
#include <simdjson.h>

#include <string>

#include "bidline/models/model_load_error.h"
#include "xgboost_document.h"

namespace bidline::models::xgboost {
namespace {

double number_of(simdjson::dom::element e) {
    switch (e.type()) {
        case simdjson::dom::element_type::INT64:
            return static_cast<double>(e.get_int64().value());
        case simdjson::dom::element_type::UINT64:
            return static_cast<double>(e.get_uint64().value());
        default:
            return e.get_double().value();
    }
}

bool is_number(simdjson::dom::element e) {
    const auto t = e.type();
    return t == simdjson::dom::element_type::INT64 || t == simdjson::dom::element_type::UINT64 ||
           t == simdjson::dom::element_type::DOUBLE;
}

Document convert(simdjson::dom::element e) {
    Document d;
    switch (e.type()) {
        case simdjson::dom::element_type::NULL_VALUE:
            break;
        case simdjson::dom::element_type::BOOL:
            d.kind = Document::Kind::kBool;
            d.boolean = e.get_bool().value();
            break;
        case simdjson::dom::element_type::STRING:
            d.kind = Document::Kind::kString;
            d.text = std::string(e.get_string().value());
            break;
        case simdjson::dom::element_type::ARRAY: {
            const simdjson::dom::array a = e.get_array().value();
            bool all_numbers = true;
            for (simdjson::dom::element item : a) all_numbers = all_numbers && is_number(item);
            if (all_numbers) {
                d.kind = Document::Kind::kNumberArray;
                d.numbers.reserve(a.size());
                for (simdjson::dom::element item : a) d.numbers.push_back(number_of(item));
            } else {
                d.kind = Document::Kind::kArray;
                for (simdjson::dom::element item : a) d.items.push_back(convert(item));
            }
            break;
        }
        case simdjson::dom::element_type::OBJECT: {
            d.kind = Document::Kind::kObject;
            const simdjson::dom::object o = e.get_object().value();
            for (auto field : o) d.fields.emplace_back(std::string(field.key), convert(field.value));
            break;
        }
        default:
            d.kind = Document::Kind::kNumber;
            d.number = number_of(e);
            break;
    }
    return d;
}

}  // namespace

Document parse_json(std::string_view bytes) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(bytes);
    simdjson::dom::element root;
    if (auto error = parser.parse(padded).get(root))
        throw ModelLoadError(std::string("not valid JSON: ") + simdjson::error_message(error));
    return convert(root);
}

}  // namespace bidline::models::xgboost
