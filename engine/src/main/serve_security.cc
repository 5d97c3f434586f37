#include "main/serve_security.h"

#include <spdlog/spdlog.h>

#include "bidline/engine/api_keys.h"

namespace bidline {

namespace {

bool loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace

std::string install_api_keys(EngineState& state, const Config& config, bool embedded_demo) {
    const std::string& file = config.engine.api_keys;
    const std::string& host = config.engine.listen_host;
    if (!file.empty()) {
        auto keys = std::make_shared<const ApiKeyTable>(ApiKeyTable::load(file));
        if (!keys->empty()) {
            const std::size_t n = keys->keys().size();
            state.api_keys = std::move(keys);
            spdlog::info("auth: {} API keys from {}", n, file);
            return "auth: " + std::to_string(n) + " API keys from " + file +
                   " (Authorization: Bearer; /healthz and notice URLs open)";
        }
    }
    if (embedded_demo && !loopback(host))
        throw CliError("the embedded demo configuration has no API keys, so it listens on 127.0.0.1 only; "
                       "give --api-keys FILE (bidline keys add) to listen on " + host);
    if (!loopback(host)) {
        spdlog::warn("auth off: no API keys and listening on {}: anyone who reaches the port can bid and change the engine", host);
        return "auth: OFF (no API keys) on " + host + ": anyone who reaches this port can use every endpoint";
    }
    return "auth: off (no API keys; loopback only)";
}

std::optional<CredentialStore> open_credentials(const CliArgs& args) {
    const auto file = args.get("credentials");
    if (!file) {
        if (args.has("credentials-key-file")) throw CliError("--credentials-key-file needs --credentials FILE");
        return std::nullopt;
    }
    std::optional<std::filesystem::path> key_file;
    if (auto k = args.get("credentials-key-file")) key_file = *k;
    CredentialStore store = CredentialStore::open(*file, CredentialKey::load(key_file));
    std::string names;
    for (const std::string& n : store.names()) names += (names.empty() ? "" : ", ") + n;
    spdlog::info("credentials: {} platform credentials decrypted from {} ({})", store.names().size(), *file, names);
    return store;
}

}  // namespace bidline
