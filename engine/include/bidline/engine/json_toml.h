// A JSON value as the TOML value with the same keys and types, so that the
// admin API's bodies go through the configuration file's readers
// (bidline/config/model_overlay.h). JSON has no null in TOML (leave the key
// out instead) and no integer above int64; dates stay strings, which the
// readers accept ("2026-01-01"). Off the bid path; any thread.
#pragma once

#include <optional>
#include <string>

#include <simdjson.h>
#include <toml.hpp>

#include "bidline/engine/campaign_workflow.h"

namespace bidline {

// nullopt, with `problem` naming the first field TOML cannot hold, when the
// value has a null or an out-of-range number. `path` prefixes field names.
std::optional<toml::value> json_to_toml(simdjson::dom::element json, const std::string& path, FieldError& problem);

}  // namespace bidline
