// The campaigns' workflow status behind the admin API, its audit log and
// its durable store.
//
// Durability: the audit log is the store. Each change is one JSON line
// appended to DATA_DIR/admin/audit.jsonl and fdatasync'ed before it is
// applied or answered; on start the lines are replayed (a torn last line,
// from a crash mid-write, is dropped), so statuses and versions come back
// exactly as acknowledged, even after kill -9. Campaigns the log never
// names start as the configuration says (paused = true → paused, else
// active) at version 1.
//
// Effect: only `active` campaigns bid. Every change publishes a new catalog
// (the current one with the campaign's `paused` flag set accordingly, under
// EngineState::catalog_writer): no restart, no dropped request. A
// configuration reload (SIGHUP) passes apply_statuses to reload_campaigns
// and calls reapply() after it: the file's pauses yield to the workflow's
// statuses.
//
// Entities (admin_entity.h): advertisers, campaigns, line items and
// creatives created through the API are kept the same way: each create,
// update or archive is an audit line carrying the entity's body after (and
// before) the change, fdatasync'ed before it is answered and replayed on
// start, so every acknowledged version survives kill -9. They are laid over
// the configuration file's model (model_overlay.h: the file's readers check
// them) whenever a catalog is built here or by a reload (apply_statuses),
// so a SIGHUP keeps them. Entities of the file are read-only here (edit the
// file); their campaigns' statuses still follow the workflow.
//
// Threads: admin requests arrive on any shard thread (off the bid path);
// one mutex serialises them. Versions: each campaign's version counts its
// changes; a write naming another version in If-Match is refused (412).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/admin_entity.h"
#include "bidline/engine/campaign_workflow.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

class JsonWriter;

struct AuditEntry {
    std::uint64_t seq = 0;
    std::int64_t time_us = 0;
    std::string who, action, entity, id;
    CampaignStatus before = CampaignStatus::draft, after = CampaignStatus::draft;
    std::uint64_t version_before = 0, version_after = 0;
    std::string body_before, body_after;  // JSON objects of API entities; empty = none (a status change, a create)
};

// PUT replaces an entity's body; PATCH merges into it (RFC 7386).
enum class UpdateMode : std::uint8_t { replace, merge };

class CampaignAdmin {
public:
    CampaignAdmin(EngineState& state, std::filesystem::path dir);

    struct Answer {
        std::uint16_t status = 200;
        std::string body;
        std::string etag;  // quoted version, e.g. "\"3\"", for single-campaign answers
    };
    Answer list() const;
    Answer get(std::string_view id) const;
    // `body` = {"status":"paused"}; `if_match` = the If-Match header ("" = none).
    Answer set_status(std::string_view id, std::string_view body, std::string_view if_match, std::string_view who);
    Answer audit(std::uint64_t since, std::uint64_t limit) const;

    // The entity API (admin_routes.h). `who` names the caller in the audit log.
    Answer create(EntityKind kind, std::string_view body, std::string_view who);
    Answer update(EntityKind kind, std::string_view id, std::string_view body, UpdateMode mode,
                  std::string_view if_match, std::string_view who);
    // Campaigns move to `archived` through the workflow; other kinds leave the catalog.
    Answer archive(EntityKind kind, std::string_view id, std::string_view if_match, std::string_view who);
    // `version` 0 = the latest.
    Answer get_entity(EntityKind kind, std::string_view id, std::uint64_t version) const;
    Answer list_entities(EntityKind kind) const;
    Answer versions(EntityKind kind, std::string_view id) const;

    // Publishes the catalog with the API's entities and every campaign's
    // paused flag as its status says (unless a reload did so since the last change).
    void reapply();
    // Adds the API's entities to a freshly loaded `model` and sets each
    // campaign's paused flag as its status says (for a reload, before it
    // publishes). Throws ConfigError when the file now clashes with them.
    void apply_statuses(CampaignModel& model);

private:
    struct State {
        CampaignStatus status = CampaignStatus::active;
        std::uint64_t version = 1;
    };
    State& state_of(std::string_view id);
    void append(const AuditEntry& e);
    void replay(const AuditEntry& e);
    void publish_locked();
    void write_campaign(JsonWriter& j, const Campaign& c) const;

    // campaign_admin_writes.cc and campaign_admin_reads.cc
    // `model` without the API's entities (as a reload or the file left it).
    void strip_api_entities(CampaignModel& model) const;
    // A freshly loaded file has none of the API's entities; a published
    // catalog has them once one was published with them.
    enum class BaseModel : std::uint8_t { fresh_file, published };
    // The file's entities with the API's on top (`pending` included) and statuses applied.
    CampaignModel merged_model_locked(const CampaignModel& base, BaseModel kind, const PendingEdit* pending);
    Answer commit_locked(PendingEdit edit, std::string_view action, std::string_view who);
    bool exists_in_file(EntityKind kind, std::string_view id) const;
    void write_entity(JsonWriter& j, EntityKind kind, std::string_view id, const EntityVersion& v) const;
    Answer entity_answer(EntityKind kind, std::string_view id, const EntityVersion& v, std::uint16_t status) const;
    std::uint64_t next_seq() const { return audit_.empty() ? 1 : audit_.back().seq + 1; }

    EngineState& engine_;
    std::filesystem::path audit_path_;
    mutable std::mutex mutex_;  // admin requests and reloads only: never taken on the bid path
    std::map<std::string, State, std::less<>> campaigns_;
    std::vector<AuditEntry> audit_;
    EntityBook entities_;  // created through the API, with every version
    // next_seq() when a reload last applied the workflow: reapply() has
    // nothing to add until another change (0 = never, e.g. at start).
    std::uint64_t applied_at_seq_ = 0;
    // Whether the published catalog holds the API's entities (false at start, until the first publish).
    bool catalog_has_api_entities_ = false;
};

}  // namespace bidline
