#include "toml_table.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "bidline/config/config.h"

namespace bidline::config_detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Only suggest when the key is a plausible typo, not a different word. A
// key missing its unit suffix ("idle_timeout" for "idle_timeout_ms") is the
// commonest slip of all.
std::string suggestion(std::string_view unknown, std::initializer_list<std::string_view> keys) {
    std::string_view best;
    std::size_t best_distance = 3;
    for (std::string_view k : keys) {
        if (k.size() > unknown.size() && k.starts_with(unknown) && k[unknown.size()] == '_') {
            best = k;
            break;
        }
        const std::size_t d = edit_distance(unknown, k);
        if (d < best_distance && d <= std::max<std::size_t>(k.size() / 3, 1)) {
            best = k;
            best_distance = d;
        }
    }
    if (best.empty()) return "";
    return " (did you mean \"" + std::string(best) + "\"?)";
}

}  // namespace

int line_of(const toml::value& v) { return static_cast<int>(v.location().line()); }

std::string_view describe_type(const toml::value& v) {
    switch (v.type()) {
        case toml::value_t::boolean:
            return "a boolean";
        case toml::value_t::integer:
            return "an integer";
        case toml::value_t::floating:
            return "a float";
        case toml::value_t::string:
            return "a string";
        case toml::value_t::offset_datetime:
            return "a date-time with offset";
        case toml::value_t::local_datetime:
            return "a local date-time";
        case toml::value_t::local_date:
            return "a date";
        case toml::value_t::local_time:
            return "a time";
        case toml::value_t::array:
            return "an array";
        case toml::value_t::table:
            return "a table";
        case toml::value_t::empty:
            break;
    }
    return "nothing";
}

TomlTable::TomlTable(const toml::value& value, std::string path, const std::string& source,
                     std::initializer_list<std::string_view> keys)
    : value_(&value), path_(std::move(path)), source_(&source), keys_(keys) {
    if (!value.is_table()) {
        throw ConfigError(source, line_of(value), path_, "expected a table, got " + std::string(describe_type(value)));
    }
    reject_unknown_keys(keys);
}

std::string TomlTable::field(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    return path_ + "." + std::string(key);
}

int TomlTable::line() const { return line_of(*value_); }

void TomlTable::reject_unknown_keys(std::initializer_list<std::string_view> keys) const {
    // The table is a hash map; report the earliest unknown key in the file so
    // that the error is stable and matches what the user reads top-down.
    const toml::value* first = nullptr;
    std::string first_key;
    for (const auto& [key, v] : value_->as_table()) {
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        const auto loc = v.location();
        if (first == nullptr || loc.line() < first->location().line() ||
            (loc.line() == first->location().line() && loc.column() < first->location().column())) {
            first = &v;
            first_key = key;
        }
    }
    if (first != nullptr) fail_at(*first, first_key, "unknown key" + suggestion(first_key, keys));
}

void TomlTable::expect_known(std::string_view key) const {
    // A key missing from the table's schema list is a bug in the reader.
    assert(std::find(keys_.begin(), keys_.end(), key) != keys_.end());
    (void)key;
}

const toml::value* TomlTable::find(std::string_view key) const {
    expect_known(key);
    const auto& table = value_->as_table();
    const auto it = table.find(std::string(key));
    return it == table.end() ? nullptr : &it->second;
}

const toml::value& TomlTable::require(std::string_view key) const {
    const toml::value* v = find(key);
    if (v == nullptr) fail_here(key, "missing required key");
    return *v;
}

std::optional<std::string> TomlTable::string(std::string_view key) const {
    const toml::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    return element_string(*v, key);
}

std::string TomlTable::required_string(std::string_view key) const { return element_string(require(key), key); }

std::optional<std::int64_t> TomlTable::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
    const toml::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    return element_integer(*v, key, min, max);
}

std::optional<double> TomlTable::number(std::string_view key) const {
    const toml::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    double d = 0.0;
    if (v->is_integer()) {
        d = static_cast<double>(v->as_integer());
    } else if (v->is_floating()) {
        d = v->as_floating();
    } else {
        fail_at(*v, key, "expected a number, got " + std::string(describe_type(*v)));
    }
    if (!std::isfinite(d)) fail_at(*v, key, "must be a finite number");
    return d;
}

std::vector<const toml::value*> TomlTable::list(std::string_view key) const {
    const toml::value* v = find(key);
    if (v == nullptr) return {};
    if (!v->is_array()) fail_at(*v, key, "expected an array, got " + std::string(describe_type(*v)));
    std::vector<const toml::value*> out;
    for (const auto& element : v->as_array()) out.push_back(&element);
    return out;
}

std::vector<std::string> TomlTable::string_list(std::string_view key) const {
    std::vector<std::string> out;
    for (const toml::value* element : list(key)) out.push_back(element_string(*element, key));
    return out;
}

std::optional<TomlTable> TomlTable::table(std::string_view key, std::initializer_list<std::string_view> keys) const {
    const toml::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    return TomlTable(*v, field(key), *source_, keys);
}

std::vector<TomlTable> TomlTable::table_array(std::string_view key,
                                              std::initializer_list<std::string_view> keys) const {
    const toml::value* v = find(key);
    if (v == nullptr) return {};
    if (!v->is_array()) {
        fail_at(*v, key, "expected an array of tables ([[" + field(key) + "]]), got " + std::string(describe_type(*v)));
    }
    std::vector<TomlTable> out;
    for (const auto& element : v->as_array()) out.emplace_back(element, field(key), *source_, keys);
    return out;
}

std::string TomlTable::element_string(const toml::value& element, std::string_view key) const {
    if (!element.is_string()) fail_at(element, key, "expected a string, got " + std::string(describe_type(element)));
    return element.as_string().str;
}

std::int64_t TomlTable::element_integer(const toml::value& element, std::string_view key, std::int64_t min,
                                        std::int64_t max) const {
    if (!element.is_integer()) {
        fail_at(element, key, "expected an integer, got " + std::string(describe_type(element)));
    }
    const std::int64_t i = element.as_integer();
    if (i < min || i > max) {
        fail_at(
            element, key,
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + std::to_string(i));
    }
    return i;
}

void TomlTable::fail_at(const toml::value& where, std::string_view key, const std::string& reason) const {
    throw ConfigError(*source_, line_of(where), field(key), reason);
}

void TomlTable::fail_here(std::string_view key, const std::string& reason) const {
    throw ConfigError(*source_, line(), field(key), reason);
}

}  // namespace bidline::config_detail
