// The reading half of the admin API's entities (campaign_admin.h): one
// entity or version, lists, version histories. The API's entities answer
// with their stored body plus status, version and source; the file's with
// a summary under the file's keys, as version 1 (the file is their history).
#include <simdjson.h>

#include <mutex>

#include "admin_answer.h"
#include "bidline/engine/campaign_admin.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/utc_text.h"

namespace bidline {
namespace {

void write_file_entity(JsonWriter& j, const Advertiser& a) {
    j.begin_object()
        .field("id", a.id.value)
        .field("name", a.name)
        .field("currency", a.currency)
        .field("timezone", a.timezone);
    j.key("domains").begin_array();
    for (const std::string& d : a.domains) j.value(d);
    j.end_array().field("status", "active").field("version", 1u).field("source", "config").end_object();
}

void write_file_entity(JsonWriter& j, const LineItem& li) {
    j.begin_object()
        .field("id", li.id.value)
        .field("campaign", li.campaign.value)
        .field("name", li.name)
        .field("daily_budget_micros", li.daily_budget.value())
        .field("lifetime_budget_micros", li.lifetime_budget.value());
    j.key("creatives").begin_array();
    for (const Creative& c : li.creatives) j.value(c.id.value);
    j.end_array().field("status", "active").field("version", 1u).field("source", "config").end_object();
}

void write_file_entity(JsonWriter& j, const Creative& c, const LineItem& li) {
    j.begin_object()
        .field("id", c.id.value)
        .field("line_item", li.id.value)
        .field("format", to_string(c.format))
        .field("w", static_cast<unsigned>(c.size.w))
        .field("h", static_cast<unsigned>(c.size.h))
        .field("mime", c.mime)
        .field("status", "active")
        .field("version", 1u)
        .field("source", "config")
        .end_object();
}

// Calls `each` with every entity of `kind` in `model` (with its line item, for creatives).
template <class Each>
void for_each_in_model(const CampaignModel& model, EntityKind kind, Each each) {
    switch (kind) {
        case EntityKind::advertiser:
            for (const Advertiser& a : model.advertisers)
                each(a.id.value, [&](JsonWriter& j) { write_file_entity(j, a); });
            return;
        case EntityKind::campaign:
            return;  // campaigns are listed with their workflow status (CampaignAdmin::list)
        case EntityKind::line_item:
            for (const LineItem& li : model.line_items)
                each(li.id.value, [&](JsonWriter& j) { write_file_entity(j, li); });
            return;
        case EntityKind::creative:
            for (const LineItem& li : model.line_items)
                for (const Creative& c : li.creatives)
                    each(c.id.value, [&](JsonWriter& j) { write_file_entity(j, c, li); });
            return;
    }
}

}  // namespace

bool CampaignAdmin::exists_in_file(EntityKind kind, std::string_view id) const {
    if (entities_[static_cast<std::size_t>(kind)].contains(id)) return false;
    const auto catalog = engine_.catalog.load();
    bool found = false;
    for_each_in_model(catalog->model(), kind, [&](const std::string& each, auto&&) { found = found || each == id; });
    if (kind == EntityKind::campaign) found = catalog->find_campaign(id) != nullptr;
    return found;
}

void CampaignAdmin::write_entity(JsonWriter& j, EntityKind kind, std::string_view id, const EntityVersion& v) const {
    simdjson::dom::parser parser;
    simdjson::dom::object body;
    j.begin_object();
    if (!parser.parse(v.body).get(body))
        for (const auto [key, value] : body) j.key(key).raw(simdjson::minify(value));
    else
        j.field("id", id);
    j.field("status", to_string(v.status)).field("version", v.version).field("source", "api");
    if (kind == EntityKind::campaign) {
        j.key("next_statuses").begin_array();
        for (CampaignStatus n : next_statuses(v.status)) j.value(to_string(n));
        j.end_array();
    }
    j.end_object();
}

CampaignAdmin::Answer CampaignAdmin::entity_answer(EntityKind kind, std::string_view id, const EntityVersion& v,
                                                   std::uint16_t status) const {
    JsonWriter j;
    write_entity(j, kind, id, v);
    return {status, j.take(), quoted_version(v.version)};
}

CampaignAdmin::Answer CampaignAdmin::get_entity(EntityKind kind, std::string_view id, std::uint64_t version) const {
    {
        std::lock_guard lock(mutex_);  // off the bid path: GET /v1/KIND/ID (admin API)
        const auto& book = entities_[static_cast<std::size_t>(kind)];
        if (const auto it = book.find(id); it != book.end()) {
            if (version == 0) return entity_answer(kind, id, it->second.back(), 200);
            for (const EntityVersion& v : it->second)
                if (v.version == version) return entity_answer(kind, id, v, 200);
            return admin_error(404, "not_found",
                               "no version " + std::to_string(version) + " of \"" + std::string(id) + "\"");
        }
    }
    if (version > 1)
        return admin_error(404, "not_found", "entities of the configuration file have only version 1 here");
    if (kind == EntityKind::campaign) return get(id);
    const auto catalog = engine_.catalog.load();
    JsonWriter j;
    for_each_in_model(catalog->model(), kind, [&](const std::string& each, auto&& write) {
        if (each == id && j.str().empty()) write(j);
    });
    if (j.str().empty())
        return admin_error(404, "not_found", "no " + std::string(to_string(kind)) + " \"" + std::string(id) + "\"");
    return {200, j.take(), quoted_version(1)};
}

CampaignAdmin::Answer CampaignAdmin::list_entities(EntityKind kind) const {
    if (kind == EntityKind::campaign) return list();
    const auto catalog = engine_.catalog.load();
    std::lock_guard lock(mutex_);  // off the bid path: GET /v1/KIND (admin API)
    const auto& book = entities_[static_cast<std::size_t>(kind)];
    JsonWriter j;
    j.begin_object().key(collection_of(kind)).begin_array();
    for_each_in_model(catalog->model(), kind, [&](const std::string& id, auto&& write) {
        if (!book.contains(id)) write(j);
    });
    for (const auto& [id, history] : book) write_entity(j, kind, id, history.back());
    j.end_array().end_object();
    return {200, j.take(), {}};
}

CampaignAdmin::Answer CampaignAdmin::versions(EntityKind kind, std::string_view id) const {
    std::lock_guard lock(mutex_);  // off the bid path: GET /v1/KIND/ID/versions (admin API)
    const auto& book = entities_[static_cast<std::size_t>(kind)];
    const auto it = book.find(id);
    if (it == book.end())
        return admin_error(404, "not_found",
                           "no " + std::string(to_string(kind)) + " \"" + std::string(id) +
                               "\" created through the API (the file's entities have no versions here)");
    JsonWriter j;
    j.begin_object().field("id", id).key("versions").begin_array();
    for (const EntityVersion& v : it->second) {
        j.begin_object()
            .field("version", v.version)
            .field("status", to_string(v.status))
            .field("time", rfc3339_utc(v.time_us))
            .field("who", v.who)
            .field("audit_seq", v.seq)
            .key("body")
            .raw(v.body)
            .end_object();
    }
    j.end_array().end_object();
    return {200, j.take(), quoted_version(it->second.back().version)};
}

}  // namespace bidline
