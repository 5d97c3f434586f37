// The entities the admin API creates — advertisers, campaigns, line items,
// creatives — and their version histories. A body is the entity's JSON
// object with the configuration file's keys (model_overlay.h); every
// create, update, status change or archive adds a version, and old ones
// stay readable. Campaigns carry their workflow status (campaign_workflow.h);
// the other kinds are `active` until archived (then `archived`, final: they
// leave the catalog but keep their history). Plain values; the owner
// (CampaignAdmin) serialises access.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml.hpp>

#include "bidline/engine/campaign_workflow.h"

namespace bidline {

enum class EntityKind : std::uint8_t { advertiser, campaign, line_item, creative };
inline constexpr std::size_t kEntityKinds = 4;

// The TOML array name, also the audit log's "entity": "line_item".
std::string_view to_string(EntityKind);
std::optional<EntityKind> parse_entity_kind(std::string_view name);
// The URL collection: "line_items" for /v1/line_items.
std::string_view collection_of(EntityKind);

struct EntityVersion {
    std::uint64_t version = 0;
    CampaignStatus status = CampaignStatus::active;
    std::string body;       // JSON object, keys as in the configuration file
    std::uint64_t seq = 0;  // of the audit entry that made it
    std::int64_t time_us = 0;
    std::string who;
};

// Every version of one entity, oldest first; never empty once created.
using EntityHistory = std::vector<EntityVersion>;
using EntityBook = std::array<std::map<std::string, EntityHistory, std::less<>>, kEntityKinds>;

// An edit not yet accepted, laid over the book to validate it.
struct PendingEdit {
    EntityKind kind = EntityKind::advertiser;
    std::string id;
    CampaignStatus status = CampaignStatus::active;
    std::string body;
};

// The book's latest versions (with `pending` in place of its entity's) as
// the overlay document of model_overlay.h. Archived advertisers, line items
// and creatives are left out, and so are creatives of archived line items;
// campaigns stay whatever their status (a non-active one is paused).
toml::value overlay_document(const EntityBook& book, const PendingEdit* pending);

}  // namespace bidline
