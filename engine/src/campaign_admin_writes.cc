// The writing half of the admin API's entities (campaign_admin.h,
// admin_entity.h): create, update and archive advertisers, campaigns, line
// items and creatives. A write is checked by the configuration file's readers on the
// whole model it would produce, made durable in the audit log, then
// published as a new catalog — under the admin mutex and the catalog
// writer lock, so no reload or optimizer catalog slips in between.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>

#include "admin_answer.h"
#include "bidline/config/config.h"
#include "bidline/config/model_overlay.h"
#include "bidline/engine/campaign_admin.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/json_merge_patch.h"
#include "bidline/engine/json_toml.h"
#include "bidline/engine/json_writer.h"

namespace bidline {
namespace {

// What ConfigError calls the overlay (never shown: errors keep only field and reason).
const std::string kOverlaySource = "admin API";

// Keys an answer adds to a body: a client may send a body back as it read it.
constexpr std::array<std::string_view, 3> kAnswerKeys = {"version", "source", "next_statuses"};

// Keys of the file that the API sets another way.
std::optional<FieldError> key_set_elsewhere(EntityKind kind, std::string_view key) {
    if (kind == EntityKind::campaign && key == "paused")
        return FieldError{"paused", "the workflow decides: POST /v1/campaigns/ID/status"};
    if (kind == EntityKind::line_item && key == "creative")
        return FieldError{"creative", "add creatives with POST /v1/creatives naming \"line_item\""};
    return std::nullopt;
}

std::string status_hint(EntityKind kind) {
    if (kind == EntityKind::campaign) return "change it with POST /v1/campaigns/ID/status";
    return "archive with DELETE /v1/" + std::string(collection_of(kind)) + "/ID";
}

struct Body {
    std::string json;
    std::vector<FieldError> problems;
};

// The body to store: `object` without the keys an answer adds, with `id`
// (an update's, from the URL) filled in. "status" may only repeat `status`.
Body stored_body(EntityKind kind, simdjson::dom::object object, std::string_view id, CampaignStatus status) {
    Body out;
    JsonWriter j;
    j.begin_object();
    bool has_id = false;
    for (const auto [key, value] : object) {
        if (std::find(kAnswerKeys.begin(), kAnswerKeys.end(), key) != kAnswerKeys.end()) continue;
        std::string_view text;
        if (key == "status") {
            if (value.get(text) || text != to_string(status)) out.problems.push_back({"status", status_hint(kind)});
            continue;
        }
        if (auto problem = key_set_elsewhere(kind, key)) {
            out.problems.push_back(*problem);
            continue;
        }
        if (key == "id") {
            has_id = true;
            if (!id.empty() && (value.get(text) || text != id))
                out.problems.push_back({"id", "is \"" + std::string(id) + "\" and cannot change"});
        }
        j.key(key).raw(simdjson::minify(value));
    }
    if (!has_id && !id.empty()) j.field("id", id);
    j.end_object();
    out.json = j.take();
    // The readers see TOML: a value TOML cannot hold is this body's problem.
    simdjson::dom::parser parser;
    simdjson::dom::element json;
    FieldError problem;
    if (out.problems.empty() && (parser.parse(out.json).get(json) || !json_to_toml(json, "", problem)))
        out.problems.push_back(problem);
    return out;
}

// "line_item.bid.cpm" of the overlay → "bid.cpm" of a line item's body.
FieldError field_of(EntityKind kind, const ConfigError& e) {
    std::string field = e.field();
    const std::string prefix = std::string(to_string(kind)) + ".";
    if (field.starts_with(prefix)) field.erase(0, prefix.size());
    return {field, e.reason()};
}

CampaignAdmin::Answer not_a_json_object(EntityKind kind) {
    return admin_error(400, "invalid_json",
                       "expected a JSON object with the " + std::string(to_string(kind)) + "'s fields",
                       {{"body", "not a JSON object"}});
}

CampaignAdmin::Answer stale(std::uint64_t version, std::string_view if_match) {
    CampaignAdmin::Answer a = admin_error(412, "precondition_failed",
                                          "the entity is at version " + quoted_version(version) + ", If-Match named " +
                                              std::string(if_match) + ": read it again and re-apply the change");
    a.etag = quoted_version(version);
    return a;
}

bool matches(std::string_view if_match, std::uint64_t version) {
    return if_match.empty() || if_match == "*" || if_match == quoted_version(version);
}

}  // namespace

void CampaignAdmin::strip_api_entities(CampaignModel& model) const {
    const auto owned = [&](EntityKind kind, const std::string& id) {
        return entities_[static_cast<std::size_t>(kind)].contains(id);
    };
    std::erase_if(model.advertisers, [&](const Advertiser& a) { return owned(EntityKind::advertiser, a.id.value); });
    std::erase_if(model.campaigns, [&](const Campaign& c) { return owned(EntityKind::campaign, c.id.value); });
    std::erase_if(model.line_items, [&](const LineItem& li) { return owned(EntityKind::line_item, li.id.value); });
    for (LineItem& li : model.line_items)
        std::erase_if(li.creatives, [&](const Creative& c) { return owned(EntityKind::creative, c.id.value); });
}

CampaignModel CampaignAdmin::merged_model_locked(const CampaignModel& base_model, BaseModel kind,
                                                 const PendingEdit* pending) {
    CampaignModel base = base_model;
    // Only entities the API published are its own: a file's entity may share an id, and must then clash.
    if (kind == BaseModel::published && catalog_has_api_entities_) strip_api_entities(base);
    CampaignModel model = overlay_model(base, overlay_document(entities_, pending), kOverlaySource);
    for (Campaign& c : model.campaigns) {
        if (pending != nullptr && pending->kind == EntityKind::campaign && pending->id == c.id.value) {
            c.paused = pending->status != CampaignStatus::active;
        } else if (const auto it = campaigns_.find(c.id.value); it != campaigns_.end()) {
            c.paused = it->second.status != CampaignStatus::active;
        }  // else: a campaign the workflow never touched keeps the file's pause
    }
    return model;
}

CampaignAdmin::Answer CampaignAdmin::commit_locked(PendingEdit edit, std::string_view action, std::string_view who) {
    std::lock_guard writer(engine_.catalog_writer);  // off the bid path: with reloads and optimizer runs only
    const auto current = engine_.catalog.load();
    std::shared_ptr<const Catalog> next;
    try {
        next = Catalog::build(merged_model_locked(current->model(), BaseModel::published, &edit), current.get());
    } catch (const ConfigError& e) {
        // Archiving what others still name (an advertiser of campaigns) is a conflict, not bad input.
        if (action == "archive") return admin_error(409, "in_use", "still referenced", {field_of(edit.kind, e)});
        return admin_error(422, "invalid", "the " + std::string(to_string(edit.kind)) + " does not validate",
                           {field_of(edit.kind, e)});
    } catch (const std::exception& e) {
        return admin_error(422, "invalid", e.what());
    }
    if (next->line_item_capacity() > kMaxLineItems)
        return admin_error(409, "too_many_line_items",
                           "more than " + std::to_string(kMaxLineItems) + " line items (including removed ones)");
    const auto& book = entities_[static_cast<std::size_t>(edit.kind)];
    const auto it = book.find(edit.id);
    const EntityVersion* before = it != book.end() ? &it->second.back() : nullptr;
    const bool body_changed = before == nullptr || before->body != edit.body;
    AuditEntry e{next_seq(),
                 engine_.clock.now().time_since_epoch().count(),
                 who.empty() ? "anonymous" : std::string(who),
                 std::string(action),
                 std::string(to_string(edit.kind)),
                 edit.id,
                 before != nullptr ? before->status : edit.status,
                 edit.status,
                 before != nullptr ? before->version : 0,
                 (before != nullptr ? before->version : 0) + 1,
                 before != nullptr && body_changed ? before->body : std::string(),
                 body_changed ? edit.body : std::string()};
    append(e);  // durable before it takes effect or is answered
    replay(e);
    audit_.push_back(std::move(e));
    engine_.catalog.publish(next);
    catalog_has_api_entities_ = true;
    return entity_answer(edit.kind, edit.id, entities_[static_cast<std::size_t>(edit.kind)].at(edit.id).back(),
                         before == nullptr ? 201 : 200);
}

CampaignAdmin::Answer CampaignAdmin::create(EntityKind kind, std::string_view body, std::string_view who) {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(body.data(), body.size()).get(object)) return not_a_json_object(kind);
    std::string_view id;
    if (object["id"].get(id) != simdjson::SUCCESS) id = {};  // missing or not a string: the reader says so
    std::lock_guard lock(mutex_);                            // off the bid path: POST /v1/KIND (admin API)
    if (!id.empty() && (entities_[static_cast<std::size_t>(kind)].contains(id) || exists_in_file(kind, id)))
        return admin_error(409, "conflict", "ids are never reused, even archived ones",
                           {{"id", "\"" + std::string(id) + "\" already exists"}});
    const CampaignStatus initial = kind == EntityKind::campaign ? CampaignStatus::draft : CampaignStatus::active;
    Body stored = stored_body(kind, object, {}, initial);
    if (!stored.problems.empty())
        return admin_error(422, "invalid", "the " + std::string(to_string(kind)) + " does not validate",
                           stored.problems);
    return commit_locked({kind, std::string(id), initial, std::move(stored.json)}, "create", who);
}

CampaignAdmin::Answer CampaignAdmin::update(EntityKind kind, std::string_view id, std::string_view body,
                                            UpdateMode mode, std::string_view if_match, std::string_view who) {
    simdjson::dom::parser parser, previous_parser, merged_parser;
    simdjson::dom::element given;
    if (parser.parse(body.data(), body.size()).get(given) || !given.is_object()) return not_a_json_object(kind);
    std::lock_guard lock(mutex_);  // off the bid path: PUT/PATCH /v1/KIND/ID (admin API)
    const auto& book = entities_[static_cast<std::size_t>(kind)];
    const auto it = book.find(id);
    if (it == book.end()) {
        if (exists_in_file(kind, id))
            return admin_error(409, "read_only",
                               "defined in the configuration file: edit the file and reload (kill -HUP)");
        return admin_error(404, "not_found", "no " + std::string(to_string(kind)) + " \"" + std::string(id) + "\"");
    }
    const EntityVersion& latest = it->second.back();
    if (!matches(if_match, latest.version)) return stale(latest.version, if_match);
    if (latest.status == CampaignStatus::archived)
        return admin_error(409, "archived", "an archived " + std::string(to_string(kind)) + " cannot change");
    simdjson::dom::object object;
    simdjson::dom::element previous;
    if (given.get(object) != simdjson::SUCCESS) return not_a_json_object(kind);
    std::string merged;
    if (mode == UpdateMode::merge) {
        if (previous_parser.parse(latest.body).get(previous) != simdjson::SUCCESS)
            return admin_error(422, "invalid", "the stored version does not parse");  // never: bodies are checked
        merged = merge_patch(previous, given);
        if (merged_parser.parse(merged).get(object)) return not_a_json_object(kind);
    }
    Body stored = stored_body(kind, object, id, latest.status);
    if (!stored.problems.empty())
        return admin_error(422, "invalid", "the " + std::string(to_string(kind)) + " does not validate",
                           stored.problems);
    if (stored.json == latest.body) return entity_answer(kind, id, latest, 200);  // nothing changes: no new version
    return commit_locked({kind, std::string(id), latest.status, std::move(stored.json)}, "update", who);
}

CampaignAdmin::Answer CampaignAdmin::archive(EntityKind kind, std::string_view id, std::string_view if_match,
                                             std::string_view who) {
    if (kind == EntityKind::campaign) return set_status(id, R"({"status":"archived"})", if_match, who);
    std::lock_guard lock(mutex_);  // off the bid path: DELETE /v1/KIND/ID (admin API)
    const auto& book = entities_[static_cast<std::size_t>(kind)];
    const auto it = book.find(id);
    if (it == book.end()) {
        if (exists_in_file(kind, id))
            return admin_error(409, "read_only",
                               "defined in the configuration file: remove it there and reload (kill -HUP)");
        return admin_error(404, "not_found", "no " + std::string(to_string(kind)) + " \"" + std::string(id) + "\"");
    }
    const EntityVersion& latest = it->second.back();
    if (!matches(if_match, latest.version)) return stale(latest.version, if_match);
    if (latest.status == CampaignStatus::archived) return entity_answer(kind, id, latest, 200);
    return commit_locked({kind, std::string(id), CampaignStatus::archived, latest.body}, "archive", who);
}

}  // namespace bidline
