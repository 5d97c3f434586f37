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
};

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

    // Publishes the catalog with every campaign's paused flag as its status says.
    void reapply();
    // Sets each campaign's paused flag in `model` as its status says (for a reload, before it publishes).
    void apply_statuses(CampaignModel& model);

private:
    struct State {
        CampaignStatus status = CampaignStatus::active;
        std::uint64_t version = 1;
    };
    State& state_of(std::string_view id);
    void append(const AuditEntry& e);
    void publish_locked();
    void write_campaign(JsonWriter& j, const Campaign& c) const;

    EngineState& engine_;
    std::filesystem::path audit_path_;
    mutable std::mutex mutex_;  // admin requests and reloads only: never taken on the bid path
    std::map<std::string, State, std::less<>> campaigns_;
    std::vector<AuditEntry> audit_;
};

}  // namespace bidline
