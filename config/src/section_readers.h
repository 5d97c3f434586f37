// One reader per section of the configuration file. Each turns TOML tables
// into the plain structs of campaign_model.h / engine_settings.h and
// checks, as it goes, every rule it can see from there: types, ranges,
// formats, duplicate ids and references to sections read before it. The
// loader calls them in dependency order: engine, advertisers, campaigns,
// line items (TOML gathers each [[array]] wherever its entries sit in the
// file, so the order of sections in the file does not matter).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "bidline/config/alert_settings.h"
#include "bidline/config/campaign_model.h"
#include "bidline/config/connector_settings.h"
#include "bidline/config/engine_settings.h"
#include "bidline/config/model_settings.h"
#include "toml_table.h"

namespace bidline::config_detail {

EngineSettings read_engine(const TomlTable& root);
ModelSettings read_models(const TomlTable& root);
std::vector<Advertiser> read_advertisers(const TomlTable& root);
std::vector<Campaign> read_campaigns(const TomlTable& root, const std::vector<Advertiser>& advertisers);
// The file needs each line item to carry a creative; the admin API adds
// creatives after the line item (POST /v1/creatives), and its pre-launch
// checks (engine/campaign_workflow.h) refuse a line item without one.
enum class CreativeRule : std::uint8_t { at_least_one, may_be_empty };
std::vector<LineItem> read_line_items(const TomlTable& root, const std::vector<Advertiser>& advertisers,
                                      const std::vector<Campaign>& campaigns,
                                      CreativeRule rule = CreativeRule::at_least_one);

// [connectors.NAME] tables (connector_reader.cc), sorted by name.
ConnectorSettingsList read_connectors(const TomlTable& root);

// [alerts] (alert_reader.cc); defaults when absent.
AlertSettings read_alerts(const TomlTable& root);

// [campaign.daypart] (see daypart_reader.cc for the shape).
Daypart read_daypart(const TomlTable& daypart);

// Parts of a line item.
BidSettings read_bid(const TomlTable& bid);
Targeting read_targeting(const TomlTable& targeting);
// `advertiser` supplies the default adomain.
Creative read_creative(const TomlTable& creative, const Advertiser& advertiser);

// Ids seen so far in one namespace (advertisers, campaigns, ...), so that a
// duplicate can name the line of the first definition. It keeps the value,
// not its line: toml11 counts newlines from the top of the file for every
// location(), which made loading 10,000 line items quadratic (33 s).
class IdRegistry {
public:
    void add(const TomlTable& table, std::string_view key, const std::string& id) {
        const toml::value& where = table.require(key);
        const auto [it, inserted] = first_.emplace(id, &where);
        if (!inserted) {
            table.fail_at(
                where, key,
                "duplicate id \"" + id + "\" (first defined on line " + std::to_string(line_of(*it->second)) + ")");
        }
    }

private:
    std::unordered_map<std::string, const toml::value*> first_;  // into the document, which outlives the readers
};

}  // namespace bidline::config_detail
