// Reading the domain-typed fields that several sections share — money,
// dates, ids, time zones — from a TomlTable, with the same rules and error
// wording everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/campaign_model.h"
#include "toml_table.h"

namespace bidline::config_detail {

// Money may be written in currency units (`key = 2.5`, an integer or a
// float, converted with Micros::from_units) or exactly in micros
// (`key_micros = 2500000`), not both; it is never negative. nullopt when
// neither key is present. Tables that read money must allow both keys.
std::optional<Micros> read_money(const TomlTable& table, std::string_view key);

// A TOML local date (2026-01-01) or the same as a string ("2026-01-01").
Date read_date(const TomlTable& table, std::string_view key);

// A required id (see is_valid_id).
std::string read_id(const TomlTable& table, std::string_view key);

// An optional IANA zone name; nullopt when absent.
std::optional<std::string> read_time_zone(const TomlTable& table, std::string_view key);

// Domain names, stored lower-case: exchanges compare them case-insensitively.
std::vector<std::string> read_domain_list(const TomlTable& table, std::string_view key);

std::string format_date(const Date& date);
// Currency units with only the digits that matter: 2500000 micros -> "2.5".
std::string format_money(Micros amount);

}  // namespace bidline::config_detail
