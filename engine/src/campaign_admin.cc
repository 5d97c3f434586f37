#include "bidline/engine/campaign_admin.h"

#include "admin_answer.h"

#include <fcntl.h>
#include <unistd.h>

#include <simdjson.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "bidline/config/config.h"
#include "bidline/engine/catalog.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/utc_text.h"

namespace bidline {
namespace {

std::string quoted(std::uint64_t version) { return quoted_version(version); }

std::string entry_json(const AuditEntry& e) {
    JsonWriter j;
    j.begin_object()
        .field("seq", e.seq)
        .field("time", rfc3339_utc(e.time_us))
        .field("time_us", e.time_us)
        .field("who", e.who)
        .field("action", e.action)
        .field("entity", e.entity)
        .field("id", e.id);
    j.key("before").begin_object().field("status", to_string(e.before)).field("version", e.version_before);
    if (!e.body_before.empty()) j.key("body").raw(e.body_before);
    j.end_object();
    j.key("after").begin_object().field("status", to_string(e.after)).field("version", e.version_after);
    if (!e.body_after.empty()) j.key("body").raw(e.body_after);
    j.end_object();
    j.end_object();
    return j.take();
}

// One audit line back into an entry; false for a torn or foreign line.
bool parse_entry(simdjson::dom::parser& p, const std::string& line, AuditEntry& e) {
    simdjson::dom::element d;
    if (p.parse(line).get(d)) return false;
    std::string_view who, action, entity, id, before, after;
    std::uint64_t seq = 0, vb = 0, va = 0;
    std::int64_t t = 0;
    if (d["seq"].get(seq) || d["time_us"].get(t) || d["who"].get(who) || d["action"].get(action) ||
        d["entity"].get(entity) || d["id"].get(id) || d["before"]["status"].get(before) ||
        d["before"]["version"].get(vb) || d["after"]["status"].get(after) || d["after"]["version"].get(va))
        return false;
    const auto b = parse_campaign_status(before), a = parse_campaign_status(after);
    if (!b || !a) return false;
    e = {seq, t, std::string(who), std::string(action), std::string(entity), std::string(id), *b, *a, vb, va, {}, {}};
    simdjson::dom::element body;
    if (!d["before"]["body"].get(body)) e.body_before = simdjson::minify(body);
    if (!d["after"]["body"].get(body)) e.body_after = simdjson::minify(body);
    return true;
}

CampaignAdmin::Answer error(std::uint16_t status, std::string_view code, std::string_view message,
                            const std::vector<FieldError>& fields = {}) {
    return admin_error(status, code, message, fields);
}

}  // namespace

CampaignAdmin::Answer admin_error(std::uint16_t status, std::string_view code, std::string_view message,
                                  const std::vector<FieldError>& fields) {
    JsonWriter j;
    j.begin_object().field("error", code).field("message", message);
    if (!fields.empty()) {
        j.key("fields").begin_array();
        for (const FieldError& f : fields)
            j.begin_object().field("field", f.field).field("reason", f.reason).end_object();
        j.end_array();
    }
    j.end_object();
    return {status, j.take(), {}};
}

std::string quoted_version(std::uint64_t version) { return "\"" + std::to_string(version) + "\""; }

CampaignAdmin::CampaignAdmin(EngineState& state, std::filesystem::path dir) : engine_(state) {
    std::filesystem::create_directories(dir);
    audit_path_ = dir / "audit.jsonl";
    std::ifstream in(audit_path_);
    simdjson::dom::parser p;
    std::uint64_t good_bytes = 0;
    for (std::string line; std::getline(in, line);) {
        AuditEntry e;
        if (in.eof() || !parse_entry(p, line, e)) break;  // a torn tail (no newline) or a bad line: the log ends here
        good_bytes += line.size() + 1;
        replay(e);
        audit_.push_back(std::move(e));
    }
    in.close();
    std::error_code ec;
    if (std::filesystem::exists(audit_path_, ec) && std::filesystem::file_size(audit_path_, ec) != good_bytes)
        std::filesystem::resize_file(audit_path_, good_bytes);  // so the next append starts on a line of its own
    reapply();
}

void CampaignAdmin::replay(const AuditEntry& e) {
    const auto kind = parse_entity_kind(e.entity);
    if (!kind) return;  // written by a later version: not ours to apply
    if (*kind == EntityKind::campaign) campaigns_[e.id] = {e.after, e.version_after};
    auto& book = entities_[static_cast<std::size_t>(*kind)];
    const auto it = book.find(e.id);
    if (e.body_after.empty() && it == book.end()) return;  // a status change of a campaign of the file
    EntityHistory& history = book[e.id];
    // A status change keeps the body it had.
    std::string body = !e.body_after.empty() ? e.body_after : history.back().body;
    history.push_back({e.version_after, e.after, std::move(body), e.seq, e.time_us, e.who});
}

CampaignAdmin::State& CampaignAdmin::state_of(std::string_view id) {
    auto it = campaigns_.find(id);
    if (it != campaigns_.end()) return it->second;
    State s;
    if (const CompiledCampaign* c = engine_.catalog.load()->find_campaign(id); c != nullptr && c->model.paused)
        s.status = CampaignStatus::paused;
    return campaigns_.emplace(std::string(id), s).first->second;
}

void CampaignAdmin::append(const AuditEntry& e) {
    const std::string line = entry_json(e) + "\n";
    const int fd = ::open(audit_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error(audit_path_.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fdatasync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) throw std::runtime_error(audit_path_.string() + ": " + std::strerror(err));
}

void CampaignAdmin::reapply() {
    std::lock_guard lock(mutex_);  // off the bid path: an admin change or a reload republishing statuses
    if (applied_at_seq_ == next_seq()) return;  // the reload's catalog is already current
    publish_locked();
}

void CampaignAdmin::apply_statuses(CampaignModel& model) {
    std::lock_guard lock(mutex_);  // off the bid path: a SIGHUP reload applying the workflow before it publishes
    model = merged_model_locked(model, BaseModel::fresh_file, nullptr);
    applied_at_seq_ = next_seq();
    catalog_has_api_entities_ = true;  // the reload publishes this model
}

void CampaignAdmin::publish_locked() {
    std::lock_guard writer(engine_.catalog_writer);  // off the bid path: with reloads and optimizer runs only
    const auto current = engine_.catalog.load();
    CampaignModel model;
    try {
        model = merged_model_locked(current->model(), BaseModel::published, nullptr);
        catalog_has_api_entities_ = true;
    } catch (const ConfigError& e) {
        // The file changed under the API's entities between runs (e.g. a
        // creative's line item is gone): the file's campaigns must still
        // run, so keep the catalog's entities as they are (at start: the
        // file's alone) and apply the statuses; the API's stay readable.
        spdlog::error("admin API entities left out of the catalog: {}: {}", e.field(), e.reason());
        model = current->model();
        for (Campaign& c : model.campaigns)
            if (const auto it = campaigns_.find(c.id.value); it != campaigns_.end())
                c.paused = it->second.status != CampaignStatus::active;
    }
    engine_.catalog.publish(Catalog::build(model, current.get()));
}

void CampaignAdmin::write_campaign(JsonWriter& j, const Campaign& c) const {
    const auto it = campaigns_.find(c.id.value);
    const State s =
        it != campaigns_.end() ? it->second : State{c.paused ? CampaignStatus::paused : CampaignStatus::active, 1};
    j.begin_object()
        .field("id", c.id.value)
        .field("name", c.name)
        .field("advertiser", c.advertiser.value)
        .field("status", to_string(s.status))
        .field("version", s.version)
        .field("source", entities_[static_cast<std::size_t>(EntityKind::campaign)].contains(c.id.value) ? "api" : "config")
        .field("daily_budget_micros", c.daily_budget.value());
    j.key("next_statuses").begin_array();
    for (CampaignStatus n : next_statuses(s.status)) j.value(to_string(n));
    j.end_array().end_object();
}

CampaignAdmin::Answer CampaignAdmin::list() const {
    const auto catalog = engine_.catalog.load();
    std::lock_guard lock(mutex_);  // off the bid path: GET /v1/campaigns (admin API)
    JsonWriter j;
    j.begin_object().key("campaigns").begin_array();
    for (const Campaign& c : catalog->model().campaigns) write_campaign(j, c);
    j.end_array().end_object();
    return {200, j.take(), {}};
}

CampaignAdmin::Answer CampaignAdmin::get(std::string_view id) const {
    const auto catalog = engine_.catalog.load();
    const CompiledCampaign* c = catalog->find_campaign(id);
    if (c == nullptr) return error(404, "not_found", "no campaign \"" + std::string(id) + "\"");
    std::lock_guard lock(mutex_);  // off the bid path: GET /v1/campaigns/ID (admin API)
    JsonWriter j;
    write_campaign(j, c->model);
    const auto it = campaigns_.find(id);
    return {200, j.take(), quoted(it != campaigns_.end() ? it->second.version : 1)};
}

CampaignAdmin::Answer CampaignAdmin::set_status(std::string_view id, std::string_view body, std::string_view if_match,
                                                std::string_view who) {
    simdjson::dom::parser p;
    simdjson::dom::element d;
    std::string_view wanted;
    if (p.parse(body.data(), body.size()).get(d) || !d.is_object())
        return error(400, "invalid", "expected a JSON object such as {\"status\":\"paused\"}",
                     {{"body", "not a JSON object"}});
    if (d["status"].get(wanted))
        return error(400, "invalid", "status is missing or not a string", {{"status", "required: a status name"}});
    const auto to = parse_campaign_status(wanted);
    if (!to)
        return error(
            400, "invalid", "unknown status",
            {{"status", "expected draft, pending_review, approved, active, paused, completed or archived, got \"" +
                            std::string(wanted) + "\""}});
    const auto catalog = engine_.catalog.load();
    if (catalog->find_campaign(id) == nullptr)
        return error(404, "not_found", "no campaign \"" + std::string(id) + "\"");

    std::lock_guard lock(mutex_);  // off the bid path: POST /v1/campaigns/ID/status (admin API)
    State& s = state_of(id);
    if (!if_match.empty() && if_match != "*" && if_match != quoted(s.version)) {
        Answer a = error(412, "precondition_failed",
                         "campaign " + std::string(id) + " is at version " + quoted(s.version) + ", If-Match named " +
                             std::string(if_match) + ": read it again and re-apply the change");
        a.etag = quoted(s.version);
        return a;
    }
    if (*to != s.status) {
        if (!transition_allowed(s.status, *to)) {
            JsonWriter j;
            j.begin_object()
                .field("error", "illegal_transition")
                .field("message", "a campaign cannot go from " + std::string(to_string(s.status)) + " to " +
                                      std::string(to_string(*to)))
                .field("from", to_string(s.status))
                .field("to", to_string(*to));
            j.key("allowed").begin_array();
            for (CampaignStatus n : next_statuses(s.status)) j.value(to_string(n));
            j.end_array().end_object();
            return {409, j.take(), quoted(s.version)};
        }
        if (*to == CampaignStatus::active && s.status == CampaignStatus::approved)
            if (auto problems = prelaunch_problems(catalog->model(), id); !problems.empty())
                return error(422, "prelaunch_failed", "the campaign is not ready to go live", problems);
        AuditEntry e{audit_.empty() ? 1 : audit_.back().seq + 1,
                     engine_.clock.now().time_since_epoch().count(),
                     who.empty() ? "anonymous" : std::string(who),
                     "set_status",
                     "campaign",
                     std::string(id),
                     s.status,
                     *to,
                     s.version,
                     s.version + 1};
        append(e);  // durable before it takes effect or is answered
        s = {*to, s.version + 1};
        replay(e);  // and a campaign of the API gets a version
        audit_.push_back(std::move(e));
        publish_locked();
    }
    JsonWriter j;
    write_campaign(j, catalog->find_campaign(id)->model);
    return {200, j.take(), quoted(s.version)};
}

CampaignAdmin::Answer CampaignAdmin::audit(std::uint64_t since, std::uint64_t limit) const {
    std::lock_guard lock(mutex_);  // off the bid path: GET /v1/audit
    JsonWriter j;
    j.begin_object().key("entries").begin_array();
    std::uint64_t next = since, n = 0;
    for (const AuditEntry& e : audit_) {
        if (e.seq <= since) continue;
        if (n++ == limit) break;
        j.raw(entry_json(e));
        next = e.seq;
    }
    j.end_array().field("next_since", next).end_object();
    return {200, j.take(), {}};
}

}  // namespace bidline
