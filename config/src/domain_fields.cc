#include "domain_fields.h"

#include <cmath>
#include <cstdio>
#include <cstdint>

#include "text_formats.h"

namespace bidline::config_detail {

namespace {

// Beyond this many units the micros no longer fit in an int64 (and doubles
// stopped being exact long before); no real budget comes near it.
constexpr double kMaxMoneyUnits = 9e12;
constexpr std::int64_t kMaxMoneyMicros = 9'000'000'000'000'000'000;

}  // namespace

std::optional<Micros> read_money(const TomlTable& table, std::string_view key) {
    const std::string micros_key = std::string(key) + "_micros";
    const toml::value* units_value = table.find(key);
    const toml::value* micros_value = table.find(micros_key);
    if (units_value != nullptr && micros_value != nullptr) {
        table.fail_at(*micros_value, micros_key, "set either " + std::string(key) + " or " + micros_key + ", not both");
    }
    if (micros_value != nullptr) {
        return Micros(table.element_integer(*micros_value, micros_key, 0, kMaxMoneyMicros));
    }
    const std::optional<double> units = table.number(key);
    if (!units) return std::nullopt;
    if (*units < 0) table.fail_at(*units_value, key, "must not be negative");
    if (*units > kMaxMoneyUnits) table.fail_at(*units_value, key, "is too large");
    return Micros::from_units(*units);
}

Date read_date(const TomlTable& table, std::string_view key) {
    const toml::value& v = table.require(key);
    if (v.is_local_date()) {
        const toml::local_date& d = v.as_local_date();
        // toml11 counts months from 0.
        const Date date{std::chrono::year{d.year}, std::chrono::month{static_cast<unsigned>(d.month) + 1u},
                        std::chrono::day{d.day}};
        if (!date.ok()) table.fail_at(v, key, "is not a calendar date");
        return date;
    }
    if (v.is_string()) {
        if (const auto date = parse_iso_date(v.as_string().str)) return *date;
        table.fail_at(v, key, "expected a date as YYYY-MM-DD, got \"" + v.as_string().str + "\"");
    }
    table.fail_at(v, key, "expected a date (YYYY-MM-DD), got " + std::string(describe_type(v)));
}

std::string read_id(const TomlTable& table, std::string_view key) {
    const toml::value& v = table.require(key);
    std::string id = table.element_string(v, key);
    if (!is_valid_id(id)) {
        table.fail_at(v, key, "\"" + id + "\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ ~ -)");
    }
    return id;
}

std::optional<std::string> read_time_zone(const TomlTable& table, std::string_view key) {
    std::optional<std::string> zone = table.string(key);
    if (zone && zone->empty()) return std::nullopt;  // `timezone = ""` means "inherit"
    if (zone && !is_known_time_zone(*zone)) {
        table.fail_at(*table.find(key), key,
                      "unknown time zone \"" + *zone + "\" (expected an IANA name such as America/New_York)");
    }
    return zone;
}

std::vector<std::string> read_domain_list(const TomlTable& table, std::string_view key) {
    std::vector<std::string> out;
    for (const toml::value* element : table.list(key)) {
        const std::string domain = table.element_string(*element, key);
        if (domain.empty() || domain.find_first_of(" \t/:") != std::string::npos) {
            table.fail_at(*element, key, "\"" + domain + "\" is not a domain name");
        }
        out.push_back(to_lower_ascii(domain));
    }
    return out;
}

std::string format_date(const Date& date) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

std::string format_money(Micros amount) {
    const std::int64_t v = amount.value();
    const std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    std::string text = (v < 0 ? "-" : "") + std::to_string(magnitude / 1'000'000);
    std::string fraction = std::to_string(1'000'000 + magnitude % 1'000'000).substr(1);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (!fraction.empty()) text += "." + fraction;
    return text;
}

}  // namespace bidline::config_detail
