// Reloading the campaigns of a running engine from its configuration file
// (`kill -HUP`): a campaign manager edits the TOML, the engine picks up the
// advertisers, campaigns and line items it now names — budgets, bids,
// targeting, creatives, pauses — without a restart or a dropped request.
// The new catalog keeps every surviving line item's index (Catalog::build
// with the previous catalog), so leases, ledgers and stats carry over; a
// removed line item stops bidding at once. [engine], [models] and
// [connectors] are read at start only: a change there needs a restart.
//
// A file that does not validate changes nothing: the running catalog stays
// and the error (file, line, field, reason) is returned for the log.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "bidline/engine/engine_state.h"

namespace bidline {

struct ReloadOutcome {
    bool applied = false;
    std::string message;  // what was loaded, or why nothing was
};

// Main thread (or any thread off the bid path). Catalog writers take
// EngineState::catalog_writer, so a reload and an optimizer budget change
// never overwrite each other's catalog.
// `adjust` (optional) edits the loaded campaigns before they are published,
// e.g. CampaignAdmin::apply_statuses, so a reload never un-pauses, even
// briefly, a campaign the admin API paused.
ReloadOutcome reload_campaigns(EngineState& state, const std::filesystem::path& config_file,
                               const std::function<void(CampaignModel&)>& adjust = {});

}  // namespace bidline
