// Checked, located reading of one TOML table. A table is opened with the
// list of keys its section allows, so a typo'd key is reported before any
// other problem in that table, with a "did you mean" hint. Every read checks
// the value's type and range and, when it fails, throws a ConfigError that
// points at the offending value's line (or at the table's own line when a
// required key is missing). Used only while loading a configuration.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml.hpp>

namespace bidline::config_detail {

class TomlTable {
public:
    // `path` names the table in errors ("line_item.bid"); `source` names the
    // file. Throws if `value` is not a table or has a key outside `keys`.
    TomlTable(const toml::value& value, std::string path, const std::string& source,
              std::initializer_list<std::string_view> keys);

    const std::string& path() const { return path_; }
    const std::string& source() const { return *source_; }
    std::string field(std::string_view key) const;
    int line() const;

    // Null when the key is absent.
    const toml::value* find(std::string_view key) const;
    const toml::value& require(std::string_view key) const;

    std::optional<std::string> string(std::string_view key) const;
    std::string required_string(std::string_view key) const;
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
    // An integer or a float, finite.
    std::optional<double> number(std::string_view key) const;
    // Empty when absent; each element must be a string.
    std::vector<std::string> string_list(std::string_view key) const;
    // Empty when absent. Elements are returned as values so that callers can
    // check each one and report its own line.
    std::vector<const toml::value*> list(std::string_view key) const;

    // A sub-table (`[a.b]` or an inline table); nullopt when absent.
    std::optional<TomlTable> table(std::string_view key, std::initializer_list<std::string_view> keys) const;
    // An array of tables (`[[a.b]]`); empty when absent.
    std::vector<TomlTable> table_array(std::string_view key, std::initializer_list<std::string_view> keys) const;

    // Element readers for values obtained through list().
    std::string element_string(const toml::value& element, std::string_view key) const;
    std::int64_t element_integer(const toml::value& element, std::string_view key, std::int64_t min,
                                 std::int64_t max) const;

    [[noreturn]] void fail_at(const toml::value& where, std::string_view key, const std::string& reason) const;
    // For problems with no single offending value: a missing key, or a rule
    // that spans several keys.
    [[noreturn]] void fail_here(std::string_view key, const std::string& reason) const;

private:
    void reject_unknown_keys(std::initializer_list<std::string_view> keys) const;
    void expect_known(std::string_view key) const;

    const toml::value* value_;
    std::string path_;
    const std::string* source_;
    std::vector<std::string_view> keys_;
};

// The 1-based line of a value. Costs a scan of the file up to the value
// (toml11 does not store lines): call it to report an error, not per value.
int line_of(const toml::value& v);

// "a string", "an integer", ... for "expected X, got Y" messages.
std::string_view describe_type(const toml::value& v);

}  // namespace bidline::config_detail
