// The model registry: every version of every scoring model the engine has
// been given, kept in the data directory, and which of them bid.
//
//   DATA_DIR/models/<role>/v<N>/   model.json, schema.json, metrics.json
//                                  (+ reference.json for drift) as trained
//   DATA_DIR/models/registry.json  per role: versions (content hash, source,
//                                  when registered/trained), the active one,
//                                  the activation history (for rollback) and
//                                  the candidate (shadow or A/B)
//
// Each change is written durably (registry.json replaced atomically) and
// then published as a new ModelSet snapshot: a version swap never drops or
// stalls a request. Versions are never deleted, so a rollback always has
// its files. Called from HTTP handlers and start-up: a mutex serialises
// changes (never on the bid path).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bidline/config/model_settings.h"
#include "bidline/engine/model_set.h"
#include "bidline/engine/snapshot.h"

namespace bidline {

// A refused change: `status` is the HTTP status it maps to (400 bad
// bundle or argument, 404 unknown version, 409 not possible in this state).
class ModelRegistryError : public std::runtime_error {
public:
    ModelRegistryError(std::uint16_t status, const std::string& message) : std::runtime_error(message), status(status) {}
    std::uint16_t status;
};

std::optional<ModelRole> parse_model_role(std::string_view name);
std::optional<CandidateMode> parse_candidate_mode(std::string_view name);

class ModelRegistry {
public:
    // Opens (creating) DIR, reads registry.json and loads the active and
    // candidate versions it names, then publishes them to `out`. Throws
    // ModelRegistryError for a damaged registry or a version that no longer loads.
    ModelRegistry(std::filesystem::path dir, Snapshot<ModelSet>& out, std::int64_t max_age_us);

    // Start-up: registers each configured bundle that is not yet a version
    // (by content) and activates it; a bundle already registered is left
    // as the registry says (a rollback survives a restart).
    void seed(const ModelSettings& settings, std::int64_t now_us);

    // Copies the bundle in `source` in as the role's next version (the same
    // content returns the existing version). Refuses bundles that do not
    // load or whose feature schema is not this build's.
    std::uint32_t add(ModelRole role, const std::filesystem::path& source, std::int64_t now_us);
    void activate(ModelRole role, std::uint32_t version);
    // The active version before the current one becomes active again.
    std::uint32_t rollback(ModelRole role);
    // share in (0, 1]; `experiment` salts the A/B split (empty: the role's name).
    void set_candidate(ModelRole role, std::uint32_t version, CandidateMode mode, double share,
                       const std::string& experiment);
    void clear_candidate(ModelRole role);
    // The candidate becomes the active version.
    std::uint32_t promote(ModelRole role);

    // {"roles":{"click":{"active":N,"versions":[...],"history":[...],"candidate":{...}}}}
    std::string describe_json() const;

private:
    struct Version {
        std::uint32_t number = 0;
        std::string hash;    // of model.json + schema.json, hex
        std::string source;  // where it was added from
        std::int64_t registered_at_us = 0;
        std::int64_t trained_at_us = 0;
        std::string kind;    // the scorer's kind
    };
    struct Role {
        std::vector<Version> versions;
        std::uint32_t active = 0;             // 0 = none
        std::vector<std::uint32_t> history;   // earlier active versions, oldest first
        std::uint32_t candidate = 0;
        CandidateMode mode = CandidateMode::none;
        double share = 0;
        std::string experiment;
    };

    std::filesystem::path version_dir(ModelRole role, std::uint32_t version) const;
    const Version* find(ModelRole role, std::uint32_t version) const;
    ServedModel load(ModelRole role, std::uint32_t version) const;
    void save() const;                  // registry.json, durably
    void publish();                     // from `roles_` and `loaded_`
    void read();
    std::uint32_t add_locked(ModelRole role, const std::filesystem::path& source, std::int64_t now_us);

    std::filesystem::path dir_;
    Snapshot<ModelSet>& out_;
    std::int64_t max_age_us_;
    mutable std::mutex mutex_;  // admin changes only, never the bid path
    std::array<Role, kModelRoles> roles_;
    std::map<std::pair<ModelRole, std::uint32_t>, ServedModel> loaded_;  // versions loaded so far
    std::uint64_t generation_ = 0;
};

}  // namespace bidline
