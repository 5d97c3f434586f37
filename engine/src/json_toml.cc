#include "bidline/engine/json_toml.h"

#include <cstdint>
#include <limits>

namespace bidline {

std::optional<toml::value> json_to_toml(simdjson::dom::element json, const std::string& path, FieldError& problem) {
    using simdjson::dom::element_type;
    const auto at = [&](std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    };
    switch (json.type()) {
        case element_type::OBJECT: {
            simdjson::dom::object object;
            if (json.get(object) != simdjson::SUCCESS) break;
            toml::table table;
            for (const auto [key, value] : object) {
                auto v = json_to_toml(value, at(key), problem);
                if (!v) return std::nullopt;
                table.insert_or_assign(std::string(key), std::move(*v));
            }
            return toml::value(std::move(table));
        }
        case element_type::ARRAY: {
            simdjson::dom::array elements;
            if (json.get(elements) != simdjson::SUCCESS) break;
            toml::array array;
            for (const simdjson::dom::element value : elements) {
                auto v = json_to_toml(value, path, problem);
                if (!v) return std::nullopt;
                array.push_back(std::move(*v));
            }
            return toml::value(std::move(array));
        }
        case element_type::STRING: {
            std::string_view text;
            if (json.get(text) != simdjson::SUCCESS) break;
            return toml::value(std::string(text));
        }
        case element_type::INT64: {
            std::int64_t number = 0;
            if (json.get(number) != simdjson::SUCCESS) break;
            return toml::value(static_cast<toml::integer>(number));
        }
        case element_type::UINT64:
            problem = {path, "is too large (at most " + std::to_string(std::numeric_limits<std::int64_t>::max()) + ")"};
            return std::nullopt;
        case element_type::DOUBLE: {
            double number = 0;
            if (json.get(number) != simdjson::SUCCESS) break;
            return toml::value(static_cast<toml::floating>(number));
        }
        case element_type::BOOL: {
            bool flag = false;
            if (json.get(flag) != simdjson::SUCCESS) break;
            return toml::value(flag);
        }
        case element_type::NULL_VALUE:
            problem = {path, "null is not a value here: leave the key out for its default"};
            return std::nullopt;
    }
    problem = {path, "is not a JSON value TOML can hold"};
    return std::nullopt;
}

}  // namespace bidline
