// bidline activate: the activation connector of one ad platform. Polls the
// engine's GET /v1/adjustments and applies each bid and budget adjustment
// through the platform's API (engine/activation_loop.h).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "bidline/engine/activation_loop.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/credential_store.h"
#include "bidline/engine/json_writer.h"
#include "loopback_client.h"
#include "main/client_key.h"
#include "main/commands.h"
#include "main/host_port.h"

namespace bidline {
namespace {

constexpr const char* kActivateHelp =
    R"(usage: bidline activate --platform google_ads|meta|tiktok --api HOST:PORT[/PATH]
                        --credentials FILE --credential NAME --cursor FILE
                        [--engine HOST:PORT] [--engine-key-file FILE]
                        [--credentials-key-file KEYFILE] [--poll-ms N] [--once]
                        [--max-attempts N] [--first-backoff-ms N]
                        [--google-customer-id ID] [--google-login-customer-id ID]
                        [--google-developer-token TOKEN] [--google-budget CAMPAIGN=BUDGET ...]
                        [--tiktok-advertiser-id ID]

The activation connector of one platform: polls the engine's GET
/v1/adjustments?platform=P (--engine, default 127.0.0.1:8080; --engine-key-file
holds an API key with the `read` scope when the engine has keys) and sends each
adjustment to the platform's API at --api as the request the platform
documents (feeds/README.md, "Activation requests"), with the token NAME from
the encrypted credential store (bidline credentials). Transport errors and 5xx
are retried with doubling backoff from --first-backoff-ms (default 500, up to
--max-attempts, default 6), 429 after its Retry-After; a refused request (other
4xx) is reported and passed over. Of several pending values of one field only
the newest is sent. The last adjustment dealt with is kept in --cursor, so a
restart goes on where the connector stopped.

Google Ads needs --google-customer-id (and --google-budget CAMPAIGN=BUDGET for
each campaign whose daily budget it sets); TikTok --tiktok-advertiser-id.
Prints one JSON line per adjustment: seq, platform_campaign_id, field, result
(applied, rejected, superseded, unsendable, gave_up), status, attempts. Runs
until SIGINT/SIGTERM, polling every --poll-ms (default 10000); --once makes one
pass and exits 0 when every adjustment was dealt with, 1 otherwise.
)";

std::atomic<bool> g_stop{false};

feeds::PlatformAccount account_from(const CliArgs& args) {
    feeds::PlatformAccount a;
    a.google_customer_id = args.get("google-customer-id").value_or("");
    a.google_login_customer_id = args.get("google-login-customer-id").value_or("");
    a.google_developer_token = args.get("google-developer-token").value_or("");
    a.tiktok_advertiser_id = args.get("tiktok-advertiser-id").value_or("");
    for (const std::string& pair : args.all("google-budget")) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
            throw CliError("--google-budget: expected CAMPAIGN=BUDGET, got \"" + pair + "\"");
        a.google_budget_ids[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    return a;
}

void print(const ActivationReport& r) {
    JsonWriter j;
    j.begin_object()
        .field("seq", r.adjustment.seq)
        .field("platform", feeds::to_string(r.adjustment.platform))
        .field("platform_campaign_id", r.adjustment.platform_campaign_id)
        .field("field", feeds::to_string(r.adjustment.field))
        .field("value_micros", r.adjustment.value_micros)
        .field("result", to_string(r.result))
        .field("status", r.status)
        .field("attempts", r.attempts)
        .field("detail", r.detail.substr(0, 300))
        .end_object();
    std::printf("%s\n", j.str().c_str());
    std::fflush(stdout);
}

}  // namespace

int activate_command(const Args& argv) {
    const CliArgs args(argv,
                       {"platform", "api", "credentials", "credential", "credentials-key-file", "cursor", "engine",
                        "engine-key-file", "poll-ms", "max-attempts", "first-backoff-ms", "google-customer-id",
                        "google-login-customer-id", "google-developer-token", "google-budget", "tiktok-advertiser-id"},
                       {"once", "help"});
    if (args.has("help")) {
        std::fputs(kActivateHelp, stdout);
        return 0;
    }
    const std::string platform_name = args.required("platform");
    const auto platform = feeds::platform_from_name(platform_name);
    if (!platform || *platform == feeds::Platform::exchange || *platform == feeds::Platform::unspecified)
        throw CliError("--platform: expected google_ads, meta or tiktok, got \"" + platform_name + "\"");
    const HostPort api = parse_host_port("api", args.required("api"), true);
    const HostPort engine = parse_host_port("engine", args.get("engine").value_or("127.0.0.1:8080"));
    const std::string credential = args.required("credential");
    std::optional<std::filesystem::path> key_file;
    if (auto k = args.get("credentials-key-file")) key_file = *k;
    const CredentialStore store = CredentialStore::open(args.required("credentials"), CredentialKey::load(key_file));
    if (store.find(credential) == nullptr)
        throw CliError("--credential: no \"" + credential + "\" in " + args.required("credentials") +
                       " (bidline credentials list)");
    std::string engine_headers;
    if (auto f = args.get("engine-key-file")) engine_headers = "Authorization: Bearer " + read_client_key("engine-key-file", *f) + "\r\n";

    ActivationEndpoint endpoint;
    endpoint.host = api.host;
    endpoint.port = api.port;
    endpoint.base_path = api.path;
    endpoint.max_attempts = static_cast<int>(args.integer("max-attempts", 6, 1, 100));
    endpoint.first_backoff = std::chrono::milliseconds(args.integer("first-backoff-ms", 500, 1, 3'600'000));
    ActivationSender sender(endpoint, store, [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); });

    LoopbackClient engine_http(engine.host, engine.port);
    const std::string query = "&platform=" + platform_name;
    auto fetch = [&](std::uint64_t since, std::string& error) -> std::optional<std::string> {
        const LoopbackResponse r =
            engine_http.request("GET", "/v1/adjustments?since=" + std::to_string(since) + query, {}, engine_headers);
        if (r.status == 200) return r.body;
        error = r.status == 0 ? "the engine at " + engine.host + ":" + std::to_string(engine.port) + " does not answer"
                              : "the engine answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
        return std::nullopt;
    };
    ActivationLoop loop(*platform, account_from(args), credential, args.required("cursor"), sender, fetch, print);

    const auto poll = std::chrono::milliseconds(args.integer("poll-ms", 10'000, 10, 3'600'000));
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    for (;;) {
        const ActivationLoop::Pass pass = loop.run_once();
        if (!pass.error.empty()) std::fprintf(stderr, "bidline activate: %s\n", pass.error.c_str());
        if (pass.truncated)
            std::fprintf(stderr, "bidline activate: some adjustments left the engine's window before they were read\n");
        if (args.has("once")) return pass.error.empty() && !pass.gave_up ? 0 : 1;
        // Sleep in short steps so a signal ends the connector promptly.
        for (auto slept = std::chrono::milliseconds(0); slept < poll && !g_stop; slept += std::chrono::milliseconds(50))
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (g_stop) return 0;
    }
}

}  // namespace bidline
