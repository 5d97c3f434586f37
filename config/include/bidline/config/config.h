// A whole configuration (engine settings + campaign model) and how to load
// it. Loading happens at start-up and on reload, never on the hot path, so
// errors are exceptions: ConfigError names the file, line, field and reason.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bidline/config/alert_settings.h"
#include "bidline/config/campaign_model.h"
#include "bidline/config/connector_settings.h"
#include "bidline/config/engine_settings.h"
#include "bidline/config/model_settings.h"

namespace bidline {

struct Config {
    // First: after `campaigns`, GCC 12 reports a false maybe-uninitialized
    // in code that builds a temporary Config{.campaigns = ...}.
    ConnectorSettingsList connectors;  // [connectors.NAME], sorted by name
    EngineSettings engine;
    ModelSettings models;
    CampaignModel campaigns;
    AlertSettings alerts;  // [alerts]
};

// what() reads "FILE:LINE: FIELD: REASON", the form editors jump to. The
// line is where the offending value sits (or its table when a key is
// missing); 0 when there is no line, e.g. the file cannot be read.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, std::string field, std::string reason);
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& field() const { return field_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    int line_;
    std::string field_;
    std::string reason_;
};

// Parses and validates; throws ConfigError on the first problem found.
Config load_config_file(const std::filesystem::path& path);
// `source_name` is what errors call the file (e.g. "<demo>").
Config load_config_text(std::string_view toml_text, const std::string& source_name);

// The embedded demo configuration (used by `serve` with no --config and by `demo`).
std::string_view demo_config_toml();
Config load_demo_config();

std::string_view to_string(MediaType);
std::string_view to_string(BidStrategy);
std::string_view to_string(PacingMode);

// Inverses of to_string: the names used in the TOML file; nullopt for
// anything else (names are case-sensitive, as TOML keys are).
std::optional<MediaType> parse_media_type(std::string_view);
std::optional<BidStrategy> parse_bid_strategy(std::string_view);
std::optional<PacingMode> parse_pacing_mode(std::string_view);

}  // namespace bidline
