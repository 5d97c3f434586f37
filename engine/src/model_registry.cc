#include "bidline/engine/model_registry.h"

#include <simdjson.h>

#include <cstdio>

#include "bidline/config/stable_hash.h"
#include "bidline/engine/durable_file.h"
#include "bidline/engine/json_writer.h"
#include "bidline/models/model_bundle.h"
#include "bidline/models/model_load_error.h"

namespace bidline {

namespace {

constexpr std::array<ModelRole, kModelRoles> kRoles{ModelRole::click, ModelRole::conversion, ModelRole::value};
constexpr const char* kBundleFiles[] = {"model.json", "schema.json", "metrics.json", "reference.json"};

std::string hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string content_hash(const std::filesystem::path& bundle) {
    std::uint64_t h = kFnv1aOffset;
    for (const char* f : {"model.json", "schema.json"}) h = fnv1a_continue(h, read_whole_file(bundle / f));
    return hex(h);
}

// metrics.json's trained_at_us; else model.json's modification time.
std::int64_t trained_at_us(const std::filesystem::path& bundle) {
    simdjson::dom::parser parser;
    simdjson::padded_string bytes;
    std::int64_t t = 0;
    if (simdjson::padded_string::load((bundle / "metrics.json").string()).get(bytes) == simdjson::SUCCESS) {
        simdjson::dom::element root;
        if (parser.parse(bytes).get(root) == simdjson::SUCCESS && root["trained_at_us"].get_int64().get(t) == simdjson::SUCCESS)
            return t;
    }
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(bundle / "model.json", ec);
    if (ec) return 0;
    const auto sys = std::chrono::file_clock::to_sys(mtime);
    return std::chrono::duration_cast<std::chrono::microseconds>(sys.time_since_epoch()).count();
}

}  // namespace

std::string_view to_string(ModelRole r) {
    switch (r) {
        case ModelRole::click: return "click";
        case ModelRole::conversion: return "conversion";
        case ModelRole::value: return "value";
    }
    return "unknown";
}

std::string_view to_string(CandidateMode m) {
    switch (m) {
        case CandidateMode::none: return "none";
        case CandidateMode::shadow: return "shadow";
        case CandidateMode::ab: return "ab";
    }
    return "unknown";
}

std::optional<ModelRole> parse_model_role(std::string_view name) {
    for (ModelRole r : kRoles)
        if (to_string(r) == name) return r;
    return std::nullopt;
}

std::optional<CandidateMode> parse_candidate_mode(std::string_view name) {
    if (name == "shadow") return CandidateMode::shadow;
    if (name == "ab") return CandidateMode::ab;
    return std::nullopt;
}

ModelRegistry::ModelRegistry(std::filesystem::path dir, Snapshot<ModelSet>& out, std::int64_t max_age_us)
    : dir_(std::move(dir)), out_(out), max_age_us_(max_age_us) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw ModelRegistryError(500, dir_.string() + ": cannot create: " + ec.message());
    std::lock_guard lock(mutex_);  // start-up: nobody else yet
    read();
    publish();
}

std::filesystem::path ModelRegistry::version_dir(ModelRole role, std::uint32_t version) const {
    return dir_ / std::string(to_string(role)) / ("v" + std::to_string(version));
}

const ModelRegistry::Version* ModelRegistry::find(ModelRole role, std::uint32_t version) const {
    for (const Version& v : roles_[static_cast<std::size_t>(role)].versions)
        if (v.number == version) return &v;
    return nullptr;
}

ServedModel ModelRegistry::load(ModelRole role, std::uint32_t version) const {
    const std::filesystem::path d = version_dir(role, version);
    ServedModel m;
    try {
        m.scorer = std::make_shared<const models::Scorer>(models::load_model_bundle(d).scorer);
        const auto calibration = models::read_calibration(d / "metrics.json");
        m.calibration = models::calibration_intervals(calibration);
        std::error_code ec;
        if (std::filesystem::exists(d / "reference.json", ec))
            m.reference = std::make_shared<const models::DriftReference>(models::read_drift_reference(d / "reference.json"));
    } catch (const models::ModelLoadError& e) {
        throw ModelRegistryError(400, e.what());
    }
    m.version = version;
    if (const Version* v = find(role, version)) m.trained_at_us = v->trained_at_us;
    return m;
}

void ModelRegistry::publish() {
    auto set = std::make_shared<ModelSet>();
    set->generation = ++generation_;
    set->max_age_us = max_age_us_;
    auto loaded = [&](ModelRole r, std::uint32_t version) -> ServedModel {
        if (version == 0) return {};
        auto it = loaded_.find({r, version});
        if (it == loaded_.end()) it = loaded_.emplace(std::pair{r, version}, load(r, version)).first;
        return it->second;
    };
    for (ModelRole r : kRoles) {
        const Role& role = roles_[static_cast<std::size_t>(r)];
        RoleModels& m = set->roles[static_cast<std::size_t>(r)];
        m.active = loaded(r, role.active);
        if (role.candidate != 0 && role.mode != CandidateMode::none) {
            m.candidate = loaded(r, role.candidate);
            m.mode = role.mode;
            m.share_permille = static_cast<std::uint32_t>(std::lround(role.share * 1000));
            m.experiment_salt = fnv1a(role.experiment.empty() ? to_string(r) : role.experiment);
        }
    }
    out_.publish(std::move(set));
}

void ModelRegistry::save() const {
    JsonWriter j;
    j.begin_object().field("format", 1).key("roles").begin_object();
    for (ModelRole r : kRoles) {
        const Role& role = roles_[static_cast<std::size_t>(r)];
        j.key(to_string(r)).begin_object().field("active", role.active);
        j.key("history").begin_array();
        for (std::uint32_t h : role.history) j.value(h);
        j.end_array();
        j.field("candidate", role.candidate).field("mode", to_string(role.mode)).field("share", role.share);
        j.field("experiment", role.experiment);
        j.key("versions").begin_array();
        for (const Version& v : role.versions)
            j.begin_object()
                .field("version", v.number)
                .field("hash", v.hash)
                .field("source", v.source)
                .field("registered_at_us", v.registered_at_us)
                .field("trained_at_us", v.trained_at_us)
                .field("kind", v.kind)
                .end_object();
        j.end_array().end_object();
    }
    j.end_object().end_object();
    try {
        write_file_durably(dir_ / "registry.json", j.str());
    } catch (const std::runtime_error& e) {
        throw ModelRegistryError(500, e.what());
    }
}

void ModelRegistry::read() {
    const std::filesystem::path path = dir_ / "registry.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return;
    const std::string where = path.string();
    simdjson::dom::parser parser;
    simdjson::padded_string bytes;
    simdjson::dom::element root;
    if (simdjson::padded_string::load(where).get(bytes) != simdjson::SUCCESS || parser.parse(bytes).get(root) != simdjson::SUCCESS)
        throw ModelRegistryError(500, where + ": damaged (not valid JSON)");
    const auto bad = [&](const std::string& what) { return ModelRegistryError(500, where + ": damaged: " + what); };
    for (ModelRole r : kRoles) {
        simdjson::dom::object o;
        if (root["roles"][to_string(r)].get_object().get(o) != simdjson::SUCCESS) continue;
        Role& role = roles_[static_cast<std::size_t>(r)];
        std::uint64_t u = 0;
        if (o["active"].get_uint64().get(u) != simdjson::SUCCESS) throw bad("active");
        role.active = static_cast<std::uint32_t>(u);
        if (o["candidate"].get_uint64().get(u) != simdjson::SUCCESS) throw bad("candidate");
        role.candidate = static_cast<std::uint32_t>(u);
        std::string_view text;
        if (o["mode"].get_string().get(text) != simdjson::SUCCESS) throw bad("mode");
        role.mode = parse_candidate_mode(text).value_or(CandidateMode::none);
        if (o["share"].get_double().get(role.share) != simdjson::SUCCESS) {
            if (o["share"].get_uint64().get(u) != simdjson::SUCCESS) throw bad("share");
            role.share = static_cast<double>(u);
        }
        if (o["experiment"].get_string().get(text) != simdjson::SUCCESS) throw bad("experiment");
        role.experiment = text;
        simdjson::dom::array arr;
        if (o["history"].get_array().get(arr) != simdjson::SUCCESS) throw bad("history");
        for (simdjson::dom::element e : arr) {
            if (e.get_uint64().get(u) != simdjson::SUCCESS) throw bad("history");
            role.history.push_back(static_cast<std::uint32_t>(u));
        }
        if (o["versions"].get_array().get(arr) != simdjson::SUCCESS) throw bad("versions");
        for (simdjson::dom::element e : arr) {
            Version v;
            std::int64_t t = 0;
            if (e["version"].get_uint64().get(u) != simdjson::SUCCESS) throw bad("versions");
            v.number = static_cast<std::uint32_t>(u);
            if (e["hash"].get_string().get(text) == simdjson::SUCCESS) v.hash = text;
            if (e["source"].get_string().get(text) == simdjson::SUCCESS) v.source = text;
            if (e["kind"].get_string().get(text) == simdjson::SUCCESS) v.kind = text;
            if (e["registered_at_us"].get_int64().get(t) == simdjson::SUCCESS) v.registered_at_us = t;
            if (e["trained_at_us"].get_int64().get(t) == simdjson::SUCCESS) v.trained_at_us = t;
            role.versions.push_back(std::move(v));
        }
    }
}

std::uint32_t ModelRegistry::add_locked(ModelRole role, const std::filesystem::path& source, std::int64_t now_us) {
    // Load first: a bundle that does not load never becomes a version.
    try {
        (void)models::load_model_bundle(source);
    } catch (const models::ModelLoadError& e) {
        throw ModelRegistryError(400, e.what());
    }
    std::string hash;
    try {
        hash = content_hash(source);
    } catch (const std::runtime_error& e) {
        throw ModelRegistryError(400, e.what());
    }
    Role& r = roles_[static_cast<std::size_t>(role)];
    for (const Version& v : r.versions)
        if (v.hash == hash) return v.number;
    Version v;
    v.number = r.versions.empty() ? 1 : r.versions.back().number + 1;
    v.hash = hash;
    v.source = std::filesystem::absolute(source).lexically_normal().string();
    v.registered_at_us = now_us;
    v.trained_at_us = trained_at_us(source);
    const std::filesystem::path d = version_dir(role, v.number);
    try {
        std::filesystem::create_directories(d);
        for (const char* f : kBundleFiles) {
            std::error_code ec;
            if (std::filesystem::exists(source / f, ec)) copy_file_durably(source / f, d / f);
        }
        v.kind = load(role, v.number).scorer->kind();
    } catch (const std::filesystem::filesystem_error& e) {
        throw ModelRegistryError(500, e.what());
    } catch (const std::runtime_error& e) {
        if (auto* m = dynamic_cast<const ModelRegistryError*>(&e)) throw *m;
        throw ModelRegistryError(500, e.what());
    }
    r.versions.push_back(std::move(v));
    save();
    return r.versions.back().number;
}

void ModelRegistry::seed(const ModelSettings& settings, std::int64_t now_us) {
    std::lock_guard lock(mutex_);  // start-up and admin only
    const std::pair<ModelRole, const std::string*> configured[] = {
        {ModelRole::click, &settings.click}, {ModelRole::conversion, &settings.conversion}, {ModelRole::value, &settings.value}};
    bool changed = false;
    for (const auto& [role, dir] : configured) {
        if (dir->empty()) continue;
        Role& r = roles_[static_cast<std::size_t>(role)];
        const std::size_t before = r.versions.size();
        const std::uint32_t v = add_locked(role, *dir, now_us);
        if (r.versions.size() == before) continue;  // known content: the registry's choice stands
        if (r.active != 0) r.history.push_back(r.active);
        r.active = v;
        changed = true;
    }
    if (changed) {
        save();
        publish();
    }
}

std::uint32_t ModelRegistry::add(ModelRole role, const std::filesystem::path& source, std::int64_t now_us) {
    std::lock_guard lock(mutex_);  // admin changes only
    return add_locked(role, source, now_us);
}

void ModelRegistry::activate(ModelRole role, std::uint32_t version) {
    std::lock_guard lock(mutex_);  // admin changes only
    Role& r = roles_[static_cast<std::size_t>(role)];
    if (find(role, version) == nullptr)
        throw ModelRegistryError(404, std::string(to_string(role)) + " has no version " + std::to_string(version));
    if (r.active == version) return;
    if (r.active != 0) r.history.push_back(r.active);
    r.active = version;
    if (r.candidate == version) {
        r.candidate = 0;
        r.mode = CandidateMode::none;
    }
    save();
    publish();
}

std::uint32_t ModelRegistry::rollback(ModelRole role) {
    std::lock_guard lock(mutex_);  // admin changes only
    Role& r = roles_[static_cast<std::size_t>(role)];
    if (r.history.empty())
        throw ModelRegistryError(409, std::string(to_string(role)) + " has no earlier active version to roll back to");
    r.active = r.history.back();
    r.history.pop_back();
    save();
    publish();
    return r.active;
}

void ModelRegistry::set_candidate(ModelRole role, std::uint32_t version, CandidateMode mode, double share,
                                  const std::string& experiment) {
    std::lock_guard lock(mutex_);  // admin changes only
    Role& r = roles_[static_cast<std::size_t>(role)];
    if (find(role, version) == nullptr)
        throw ModelRegistryError(404, std::string(to_string(role)) + " has no version " + std::to_string(version));
    if (mode == CandidateMode::none) throw ModelRegistryError(400, "mode must be shadow or ab");
    if (!(share > 0.0 && share <= 1.0)) throw ModelRegistryError(400, "share must be in (0, 1]");
    if (r.active == 0) throw ModelRegistryError(409, "activate a version first: a candidate is compared with the active one");
    if (version == r.active) throw ModelRegistryError(409, "version " + std::to_string(version) + " is the active one");
    r.candidate = version;
    r.mode = mode;
    r.share = share;
    r.experiment = experiment;
    save();
    publish();
}

void ModelRegistry::clear_candidate(ModelRole role) {
    std::lock_guard lock(mutex_);  // admin changes only
    Role& r = roles_[static_cast<std::size_t>(role)];
    r.candidate = 0;
    r.mode = CandidateMode::none;
    save();
    publish();
}

std::uint32_t ModelRegistry::promote(ModelRole role) {
    std::uint32_t version = 0;
    {
        std::lock_guard lock(mutex_);  // admin changes only
        version = roles_[static_cast<std::size_t>(role)].candidate;
        if (version == 0) throw ModelRegistryError(409, std::string(to_string(role)) + " has no candidate to promote");
    }
    activate(role, version);
    return version;
}

std::string ModelRegistry::describe_json() const {
    std::lock_guard lock(mutex_);  // admin reads only
    JsonWriter j;
    j.begin_object().field("max_age_hours", static_cast<double>(max_age_us_) / 3.6e9).key("roles").begin_object();
    for (ModelRole r : kRoles) {
        const Role& role = roles_[static_cast<std::size_t>(r)];
        j.key(to_string(r)).begin_object();
        role.active ? j.field("active", role.active) : j.key("active").null();
        j.key("history").begin_array();
        for (std::uint32_t h : role.history) j.value(h);
        j.end_array();
        j.key("candidate");
        if (role.candidate == 0 || role.mode == CandidateMode::none) {
            j.null();
        } else {
            j.begin_object()
                .field("version", role.candidate)
                .field("mode", to_string(role.mode))
                .field("share", role.share)
                .field("experiment", role.experiment.empty() ? std::string(to_string(r)) : role.experiment)
                .end_object();
        }
        j.key("versions").begin_array();
        for (const Version& v : role.versions)
            j.begin_object()
                .field("version", v.number)
                .field("kind", v.kind)
                .field("hash", v.hash)
                .field("source", v.source)
                .field("registered_at_us", v.registered_at_us)
                .field("trained_at_us", v.trained_at_us)
                .end_object();
        j.end_array().end_object();
    }
    j.end_object().end_object();
    return j.take();
}

}  // namespace bidline
