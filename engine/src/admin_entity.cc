#include "bidline/engine/admin_entity.h"

#include <simdjson.h>

#include <stdexcept>

#include "bidline/engine/json_toml.h"

namespace bidline {
namespace {

constexpr std::array<std::string_view, kEntityKinds> kNames = {"advertiser", "campaign", "line_item", "creative"};
constexpr std::array<std::string_view, kEntityKinds> kCollections = {"advertisers", "campaigns", "line_items",
                                                                     "creatives"};

struct Latest {
    CampaignStatus status;
    const std::string* body;
};

// Each entity's latest state, the pending edit winning over the book.
std::map<std::string_view, Latest> latest_of(const EntityBook& book, EntityKind kind, const PendingEdit* pending) {
    std::map<std::string_view, Latest> out;
    for (const auto& [id, history] : book[static_cast<std::size_t>(kind)])
        out.emplace(id, Latest{history.back().status, &history.back().body});
    if (pending != nullptr && pending->kind == kind)
        out.insert_or_assign(pending->id, Latest{pending->status, &pending->body});
    return out;
}

bool leaves_catalog(EntityKind kind, CampaignStatus status) {
    return kind != EntityKind::campaign && status == CampaignStatus::archived;
}

}  // namespace

std::string_view to_string(EntityKind k) { return kNames[static_cast<std::size_t>(k)]; }

std::optional<EntityKind> parse_entity_kind(std::string_view name) {
    for (std::size_t i = 0; i < kEntityKinds; ++i)
        if (kNames[i] == name) return static_cast<EntityKind>(i);
    return std::nullopt;
}

std::string_view collection_of(EntityKind k) { return kCollections[static_cast<std::size_t>(k)]; }

toml::value overlay_document(const EntityBook& book, const PendingEdit* pending) {
    simdjson::dom::parser parser;
    toml::table document;
    const auto archived_line_items = latest_of(book, EntityKind::line_item, pending);
    for (std::size_t k = 0; k < kEntityKinds; ++k) {
        const auto kind = static_cast<EntityKind>(k);
        toml::array entries;
        for (const auto& [id, latest] : latest_of(book, kind, pending)) {
            if (leaves_catalog(kind, latest.status)) continue;
            simdjson::dom::element json;
            // Bodies were checked before they were stored; a failure here is a bug, not bad input.
            if (parser.parse(*latest.body).get(json))
                throw std::logic_error("stored body is not JSON: " + std::string(id));
            // A pending creative is always read, so that naming an archived line item is refused.
            const bool is_pending = pending != nullptr && pending->kind == kind && pending->id == id;
            if (kind == EntityKind::creative && !is_pending) {
                std::string_view parent;
                if (!json["line_item"].get(parent)) {
                    const auto it = archived_line_items.find(parent);
                    if (it != archived_line_items.end() && it->second.status == CampaignStatus::archived) continue;
                }
            }
            FieldError problem;
            auto value = json_to_toml(json, "", problem);
            if (!value) throw std::logic_error("stored body has no TOML form: " + problem.field);
            entries.push_back(std::move(*value));
        }
        if (!entries.empty()) document.insert_or_assign(std::string(kNames[k]), toml::value(std::move(entries)));
    }
    return toml::value(std::move(document));
}

}  // namespace bidline
