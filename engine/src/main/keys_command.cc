// `bidline keys`: mints API keys into a key file (only salt + hash stored)
// and lists or removes them. The key itself is printed once, on stdout.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bidline/engine/api_keys.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/durable_file.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kKeysHelp = R"(usage: bidline keys add --file FILE --name NAME --scopes bid,events,admin,read
       bidline keys list --file FILE
       bidline keys remove --file FILE --id ID

add mints an API key for the connector NAME with the given scopes, appends
its salt and hash to FILE (created with mode 0600) and prints the key once on
stdout: it is stored nowhere, so keep it. Clients send it as
`Authorization: Bearer <key>`; `serve --api-keys FILE` (or [engine] api_keys)
enforces keys as soon as FILE has one. A key's NAME is its connector: the
[connectors.NAME] rate limits and daily quota apply to it. Several keys may
share a NAME (rotation: add the new one, remove the old by its id).
Scopes: bid (/openrtb2/*), events (/v1/events, /v1/reports/*),
admin (POST/PUT/PATCH/DELETE), read (GET: stats, metrics, dashboard, ...).
A running engine reads FILE at start only.
)";

std::string file_text(const std::filesystem::path& file) {
    return std::filesystem::exists(file) ? read_whole_file(file) : std::string();
}

constexpr const char* kHeader = "# bidline API keys (bidline keys add): NAME SCOPES ID SALT HASH; keyed BLAKE2b\n";

}  // namespace

int keys_command(const Args& argv) {
    const CliArgs args(argv, {"file", "name", "scopes", "id"}, {"help"});
    if (args.has("help") || args.positional().empty()) {
        std::fputs(kKeysHelp, args.has("help") ? stdout : stderr);
        return args.has("help") ? 0 : 2;
    }
    const std::string verb = args.positional()[0];
    const std::filesystem::path file = args.required("file");
    if (verb == "add") {
        Scopes scopes;
        try {
            scopes = parse_scopes(args.required("scopes"));
        } catch (const std::invalid_argument& e) {
            throw CliError(std::string("--scopes: ") + e.what());
        }
        if (std::filesystem::exists(file)) (void)ApiKeyTable::load(file);  // never append to a file that does not parse
        MintedKey m;
        try {
            m = mint_api_key(args.required("name"), scopes);
        } catch (const std::invalid_argument& e) {
            throw CliError(e.what());
        }
        std::string text = file_text(file);
        if (text.empty()) text = kHeader;
        if (!text.ends_with('\n')) text += '\n';
        text += key_file_line(m.entry) + "\n";
        write_file_durably(file, text, 0600);
        std::printf("%s\n", m.key.c_str());
        std::fflush(stdout);
        std::fprintf(stderr, "bidline keys: key %s for \"%s\" (scopes %s) added to %s; it is shown only this once\n",
                     key_id_text(m.entry).c_str(),
                     m.entry.name.c_str(), to_string(scopes).c_str(), file.c_str());
        return 0;
    }
    if (verb == "list") {
        const ApiKeyTable table = ApiKeyTable::load(file);
        for (const ApiKey& k : table.keys())
            std::printf("%s\t%s\t%s\n", key_id_text(k).c_str(), k.name.c_str(), to_string(k.scopes).c_str());
        return 0;
    }
    if (verb == "remove") {
        const std::string id = args.required("id");
        (void)ApiKeyTable::load(file);  // refuse to rewrite a file that does not parse
        std::string kept, line;
        std::ifstream in(file);
        bool found = false;
        while (std::getline(in, line)) {
            const bool match = !line.empty() && line[0] != '#' && line.find(" " + id + " ") != std::string::npos;
            found = found || match;
            if (!match) kept += line + "\n";
        }
        if (!found) throw CliError("--id: no key " + id + " in " + file.string());
        write_file_durably(file, kept, 0600);
        std::fprintf(stderr, "bidline keys: key %s removed from %s\n", id.c_str(), file.c_str());
        return 0;
    }
    throw CliError("expected add, list or remove (bidline keys --help)");
}

}  // namespace bidline
