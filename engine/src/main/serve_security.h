// `serve`'s security set-up: API keys (from --api-keys or [engine] api_keys)
// installed into the engine, the no-keys rules of the embedded demo, and
// the credential store opened for the outbound connectors.
#pragma once

#include <memory>
#include <optional>

#include "bidline/config/config.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/credential_store.h"
#include "bidline/engine/engine_state.h"

namespace bidline {

// Loads the key file (if any) into `state.api_keys`; refuses (CliError) the
// embedded demo on a non-loopback host without keys. Returns the line
// `serve` prints at start about auth.
std::string install_api_keys(EngineState& state, const Config& config, bool embedded_demo);

// --credentials FILE [--credentials-key-file KEYFILE]: the decrypted store,
// or nullopt without --credentials.
std::optional<CredentialStore> open_credentials(const CliArgs& args);

}  // namespace bidline
