// `bidline credentials`: the encrypted store of platform credentials
// (credential_store.h). Secrets come in on stdin and never go out: list
// prints names only.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/credential_store.h"
#include "bidline/engine/durable_file.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kCredentialsHelp = R"(usage: bidline credentials keygen --out KEYFILE
       bidline credentials set --store FILE --name NAME [--credentials-key-file KEYFILE] < secret
       bidline credentials list --store FILE [--credentials-key-file KEYFILE]

Platform credentials (OAuth refresh tokens of the Google Ads, Meta and TikTok
connectors) are kept in FILE encrypted with XChaCha20-Poly1305 (libsodium).
The key is 64 hex digits in KEYFILE (keygen writes one, mode 0600) or, without
--credentials-key-file, in the environment variable BIDLINE_CREDENTIALS_KEY.
set reads the secret from stdin (one line; a trailing newline is dropped) and
replaces any earlier secret of NAME. list prints the names, never a secret.
serve --credentials FILE [--credentials-key-file KEYFILE] decrypts them at start.
)";

std::optional<std::filesystem::path> key_file(const CliArgs& args) {
    if (auto f = args.get("credentials-key-file")) return std::filesystem::path(*f);
    return std::nullopt;
}

}  // namespace

int credentials_command(const Args& argv) {
    const CliArgs args(argv, {"out", "store", "name", "credentials-key-file"}, {"help"});
    if (args.has("help") || args.positional().empty()) {
        std::fputs(kCredentialsHelp, args.has("help") ? stdout : stderr);
        return args.has("help") ? 0 : 2;
    }
    const std::string verb = args.positional()[0];
    if (verb == "keygen") {
        const std::filesystem::path out = args.required("out");
        if (std::filesystem::exists(out)) throw CliError("--out: " + out.string() + " exists; refusing to replace a key");
        write_file_durably(out, CredentialKey::generate_hex() + "\n", 0600);
        std::fprintf(stderr, "bidline credentials: new key written to %s (mode 0600)\n", out.c_str());
        return 0;
    }
    if (verb != "set" && verb != "list") throw CliError("expected keygen, set or list (bidline credentials --help)");
    const std::filesystem::path store_file = args.required("store");
    CredentialStore store = CredentialStore::open(store_file, CredentialKey::load(key_file(args)));
    if (verb == "list") {
        for (const std::string& name : store.names()) std::printf("%s\n", name.c_str());
        return 0;
    }
    const std::string name = args.required("name");
    std::string secret((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    try {
        store.set(name, std::move(secret));
    } catch (const std::invalid_argument& e) {
        throw CliError(e.what());
    }
    store.save();
    std::fprintf(stderr, "bidline credentials: \"%s\" sealed in %s\n", name.c_str(), store_file.c_str());
    return 0;
}

}  // namespace bidline
