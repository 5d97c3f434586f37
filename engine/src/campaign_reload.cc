#include "bidline/engine/campaign_reload.h"

#include <mutex>

#include "bidline/config/config.h"

namespace bidline {

ReloadOutcome reload_campaigns(EngineState& state, const std::filesystem::path& config_file,
                               const std::function<void(CampaignModel&)>& adjust) {
    Config config;
    try {
        config = load_config_file(config_file);
    } catch (const ConfigError& e) {
        return {false, std::string("configuration not reloaded: ") + e.what()};
    } catch (const std::exception& e) {
        return {false, "configuration not reloaded: " + config_file.string() + ": " + e.what()};
    }
    try {
        if (adjust) adjust(config.campaigns);
    } catch (const ConfigError& e) {
        return {false, "configuration not reloaded: it clashes with entities of the admin API: " + e.field() + ": " +
                           e.reason()};
    }
    std::shared_ptr<const Catalog> next;
    {
        std::lock_guard lock(state.catalog_writer);  // off the bid path: reloads and optimizer runs only
        const auto current = state.catalog.load();
        try {
            next = Catalog::build(config.campaigns, current.get());
        } catch (const std::exception& e) {
            return {false, "configuration not reloaded: " + config_file.string() + ": " + e.what()};
        }
        if (next->line_item_capacity() > kMaxLineItems)
            return {false, "configuration not reloaded: more than " + std::to_string(kMaxLineItems) +
                               " line items (including removed ones) since start"};
        state.catalog.publish(next);
    }
    std::size_t live = 0;
    for (const CompiledLineItem& li : next->line_items()) live += li.present ? 1 : 0;
    return {true, "configuration reloaded from " + config_file.string() + ": " + std::to_string(next->campaigns().size()) +
                      " campaigns, " + std::to_string(live) + " line items (catalog version " +
                      std::to_string(next->version()) + ")"};
}

}  // namespace bidline
