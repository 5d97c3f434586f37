#include <signal.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <optional>
#include <iostream>

#include <spdlog/spdlog.h>

#include "bidline/config/config.h"
#include "bidline/engine/campaign_reload.h"
#include "bidline/engine/thread_priority.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/demo_models.h"
#include "bidline/engine/demo_traffic.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/logging.h"
#include "bidline/engine/observability_routes.h"
#include "bidline/engine/connector_gate.h"
#include "bidline/engine/adjustment_routes.h"
#include "bidline/engine/alert_routes.h"
#include "bidline/engine/admin_routes.h"
#include "bidline/engine/campaign_admin.h"
#include "bidline/engine/report_routes.h"
#include "bidline/engine/model_registry.h"
#include "bidline/engine/model_routes.h"
#include "bidline/engine/optimizer_service.h"
#include "bidline/engine/redis_stream_consumer.h"
#include "bidline/engine/redis_budget_ledger.h"
#include "bidline/engine/ledger_recovery.h"
#include "bidline/engine/server.h"
#include "bidline/feeds/event_log_group_commit.h"
#include "main/commands.h"
#include "main/release_memory.h"
#include "main/serve_security.h"

namespace bidline {
namespace {

constexpr const char* kServeHelp = R"(usage: bidline serve [--config FILE] [--host H] [--port N] [--shards N] [--data-dir DIR]
                     [--io auto|uring|epoll]
       bidline serve --check-config FILE
       bidline demo  [--port N] [--shards N] [--rate QPS] [--seed S] [--duration SECONDS]

serve runs the engine. Without --config it uses the embedded demo configuration.
Flags override the file. --port 0 picks a free port (printed on stdout).
--stream-port N opens the binary event stream (feeds/README.md); 0 picks a free port.
--check-config validates FILE and exits: 0 if valid, 2 with FILE:LINE: FIELD: REASON if not.
demo is serve with the demo configuration plus a synthetic exchange sending
bid requests (default 200/s) and the wins, clicks and conversions that follow.
SIGTERM or SIGINT stops gracefully: in-flight requests finish, exit 0.
SIGHUP reloads the advertisers, campaigns and line items from --config FILE
(an invalid file changes nothing and is logged); [engine], [models] and
[connectors] take effect at the next start.
Redis Streams feed (feeds/README.md, "Redis Streams"; GET /v1/stats/redis_stream):
  --redis-stream redis://HOST[:PORT]/KEY[?group=G&consumer=C]   groups default to bidline, consumers too:
                                 give each process its own stable consumer name
Budgets shared with other processes (engine/README.md, "Budget across several machines"):
  --budget-ledger redis://HOST[:PORT][/PREFIX]   daily budgets in a Redis ledger (prefix default bidline)
  --node NAME                    this process's name there, stable across restarts (default HOSTNAME:PORT)
  --budget-lease-ttl-ms N        a dead node's lease frees after N ms (default 5000)
  --budget-lease-share F         largest lease per node, share of a daily budget (default 0.0025)
Optimizer thread (GET /v1/optimizer; README.md, "Budget optimizer in serve"):
  --optimizer-interval SECONDS   refit period (default 600)
  --optimizer-min-days N         complete days of history needed to fit (default 28)
  --optimizer-max-change F       largest budget move per campaign per UTC day (default 0.2)
  --optimizer-approval           plans wait for POST /v1/optimizer/approve
Platform-managed campaigns (managed_by; GET /v1/adjustments, README.md "Bid and budget adjustments"):
  --adjustment-interval-ms N     how often their bids and budgets are recomputed (default 60000)
Security (README.md, "Auth and credentials"):
  --api-keys FILE                API keys from `bidline keys add` ([engine] api_keys); any key makes
                                 every route but /healthz and notices need Authorization: Bearer
  --credentials FILE             platform credentials sealed by `bidline credentials set`
  --credentials-key-file FILE    their key (64 hex digits); default: $BIDLINE_CREDENTIALS_KEY
  --tls-cert FILE --tls-key FILE HTTPS on the listener: PEM certificate chain and key
                                 ([engine] tls_cert, tls_key); the event stream port stays plain TCP
Request log (bid requests with their decisions, in the event log):
  --log-requests off|sampled|full   default sampled ([engine.request_log] mode)
  --log-sample-rate F               share of requests when sampled (default 0.01)
)";

void print_summary(const Config& c, const std::string& source) {
    std::size_t creatives = 0;
    for (const auto& li : c.campaigns.line_items) creatives += li.creatives.size();
    std::printf("%s: OK (%zu advertisers, %zu campaigns, %zu line items, %zu creatives)\n", source.c_str(),
                c.campaigns.advertisers.size(), c.campaigns.campaigns.size(), c.campaigns.line_items.size(), creatives);
}

}  // namespace

int serve_command(const Args& argv_rest, char** argv, bool demo) {
    const CliArgs args(argv_rest, {"config", "host", "port", "shards", "data-dir", "stream-port", "io", "check-config", "rate", "seed", "duration",
                        "redis-stream", "budget-ledger", "node", "budget-lease-ttl-ms", "budget-lease-share", "optimizer-interval", "optimizer-min-days", "optimizer-max-change", "log-requests", "log-sample-rate", "adjustment-interval-ms",
                        "api-keys", "credentials", "credentials-key-file", "tls-cert", "tls-key"},
                       {"help", "optimizer-approval"});
    if (args.has("help")) {
        std::fputs(kServeHelp, stdout);
        return 0;
    }
    if (auto file = args.get("check-config")) {
        print_summary(load_config_file(*file), *file);
        return 0;
    }
    choose_io_backend(args.get("io").value_or("auto"), argv);
    setup_json_logging();

    Config config = (!demo && args.has("config")) ? load_config_file(args.required("config")) : load_demo_config();
    release_free_memory();  // the parsed document's pages, before the engine allocates its own
    if (auto h = args.get("host")) config.engine.listen_host = *h;
    if (args.has("port")) config.engine.listen_port = static_cast<std::uint16_t>(args.integer("port", 0, 0, 65535));
    if (args.has("shards")) config.engine.shards = static_cast<std::uint32_t>(args.integer("shards", 0, 1, 256));
    if (auto d = args.get("data-dir")) config.engine.data_dir = *d;
    if (auto k = args.get("api-keys")) config.engine.api_keys = *k;
    if (auto c = args.get("tls-cert")) config.engine.tls_cert = *c;
    if (auto k = args.get("tls-key")) config.engine.tls_key = *k;
    if (config.engine.tls_cert.empty() != config.engine.tls_key.empty())
        throw CliError("--tls-cert and --tls-key go together: give both or neither");
    const bool embedded_demo = demo || !args.has("config");
    // The embedded demo bids with the click model built into the binary.
    if (demo || !args.has("config")) use_demo_click_model(config);
    if (args.has("stream-port"))
        config.engine.stream_port = static_cast<std::uint16_t>(args.integer("stream-port", 0, 0, 65535));
    if (auto m = args.get("log-requests")) {
        const auto mode = parse_request_log_mode(*m);
        if (!mode) throw CliError("--log-requests: expected off, sampled or full");
        config.engine.request_log.mode = *mode;
    }
    if (args.has("log-sample-rate")) {
        const double rate = args.number("log-sample-rate", 0.01);
        if (!(rate > 0.0 && rate <= 1.0)) throw CliError("--log-sample-rate: expected a share in (0, 1]");
        config.engine.request_log.sample_rate = rate;
    }
    const long duration_s = args.integer("duration", 0, 0, 365L * 86400);

    // Signals go to this thread only: block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);  // reload the campaigns
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    SystemClock clock;
    EngineState state(config, clock);
    // From here the catalog holds the campaigns; the file's copy (~19 MB at
    // 10,000 line items) would only add to the resident set and its peak.
    const std::size_t line_items = config.campaigns.line_items.size();
    config.campaigns = {};
    // Before anything listens: keys, and the secrets of the outbound connectors.
    const std::string auth_line = install_api_keys(state, config, embedded_demo);
    const std::optional<CredentialStore> credentials = open_credentials(args);
    // Both post to this engine over loopback without a key (not yet: say so rather than 401 forever).
    if (state.api_keys && demo) throw CliError("--api-keys: demo's synthetic exchange sends no key; use serve");
    // The loopback clients inside the process speak plain HTTP.
    if (!config.engine.tls_cert.empty() && demo) throw CliError("--tls-cert: demo's synthetic exchange speaks plain HTTP; use serve");
    if (!config.engine.tls_cert.empty() && args.has("redis-stream"))
        throw CliError("--redis-stream cannot be combined with TLS on the listener yet (the consumer posts over plain HTTP)");
    state.io_backend = Server::io_backend();
    // Campaign statuses from the admin API's log, applied before anything bids (campaign_admin.h).
    CampaignAdmin admin(state, std::filesystem::path(config.engine.data_dir) / "admin");
    release_free_memory();  // the start-up catalog the admin's republished one replaced
    register_admin_routes(state, admin);  // /v1/campaigns, /v1/audit
    // Before the control loop, which uses it until it stops.
    const auto shared_budget = make_redis_budget_ledger(args, config, clock);
    ControlLoop control(state);
    if (shared_budget) control.set_shared_budget(shared_budget.get());
    control.set_online_state_dir(std::filesystem::path(config.engine.data_dir) / "models" / "online");
    control.set_pacing_state_dir(std::filesystem::path(config.engine.data_dir) / "pacing");
    if (args.has("adjustment-interval-ms"))
        control.adjustment_interval = std::chrono::milliseconds(args.integer("adjustment-interval-ms", 60'000, 10, 86'400'000));
    // The ledger comes back from the event log exactly as acknowledged.
    const std::filesystem::path events_dir = std::filesystem::path(config.engine.data_dir) / "events";
    const RecoveryStats recovered = recover_ledger(events_dir, *state.catalog.load(), control);
    if (recovered.records > 0)
        spdlog::info("recovered {} events from {} ({} applied, {} orphans)", recovered.records, events_dir.string(),
                     recovered.applied, recovered.orphans);
    // Models: the registry in the data directory, seeded from [models].
    ModelRegistry models(std::filesystem::path(config.engine.data_dir) / "models", state.models,
                         std::chrono::duration_cast<std::chrono::microseconds>(config.models.max_age).count());
    models.seed(config.models, clock.now().time_since_epoch().count());
    if (const auto set = state.models.load())
        for (std::size_t r = 0; r < kModelRoles; ++r)
            if (const ServedModel& m = set->roles[r].active)
                spdlog::info("model {}: version {} ({})", to_string(static_cast<ModelRole>(r)), m.version, m.scorer->kind());
    register_model_routes(state, models);                 // /v1/models, /v1/predict
    control.start();
    register_observability_routes(state, control);
    register_report_routes(state, control);                // POST /v1/reports/*
    register_adjustment_routes(state, control);            // GET /v1/adjustments
    register_alert_routes(state, control);                 // GET /v1/alerts ([alerts]; the dashboard's too)
    install_connector_limits(state, config.connectors);   // [connectors.NAME]: 429 on feed endpoints
    const auto optimizer = start_optimizer(state, args);  // routes before the server starts
    const auto redis_stream = make_redis_stream_consumer(state, args);  // likewise; started once we listen
    Server server(state);
    // Events are acknowledged only once durable: group-committed by the log
    // writer thread, which wakes the shards whose records became durable.
    feeds::GroupCommitOptions log_options;
    log_options.log.directory = events_dir;
    // Per shard: one lane for feed events, one for logged requests (request_log.h).
    log_options.producers = 2 * static_cast<std::uint32_t>(state.shards.size());
    log_options.on_durable = [&state](std::span<const feeds::ProducerId> producers) {
        for (feeds::ProducerId p : producers)
            if (p.value < state.shards.size() && state.shards[p.value]->wake_on_durable)
                state.shards[p.value]->wake_on_durable();
    };
    feeds::GroupCommitLog event_log(log_options);
    state.event_log = &event_log;
    server.start();

    spdlog::info("bidline serving: {} shards, io backend {}, {} line items{}", state.shards.size(), state.io_backend,
                 line_items, demo || !args.has("config") ? " (embedded demo configuration)" : "");
    std::printf("bidline: listening on %s://%s:%u\n", server.scheme().c_str(), config.engine.listen_host.c_str(), server.port());
    std::printf("bidline: %s\n", auth_line.c_str());
    if (credentials) std::printf("bidline: %zu platform credentials loaded (encrypted at rest)\n", credentials->names().size());
    if (const auto stream_port = server.stream_port())
        std::printf("bidline: event stream on tcp://%s:%u\n", config.engine.listen_host.c_str(), *stream_port);
    std::printf("  POST /openrtb2/bid        OpenRTB 2.5/2.6 bid requests (200 bid, 204 no bid, 400 invalid)\n"
                "  GET  /v1/notice/win|bill|loss|click|conversion   notices from bid responses\n"
                "  POST /v1/events           NDJSON performance events (durable before the answer)\n"
                "  POST /v1/reports/google_ads|meta|tiktok   platform spend reports (?utc_offset=-08:00&revision=R)\n"
                "  GET  /v1/stats            live stats (JSON)\n"
                "  GET  /v1/campaigns        campaigns and their status; POST /v1/campaigns/ID/status; GET /v1/audit\n"
                "  GET  /v1/alerts           alerts: CTR drop, CPC above target, budget spent early, spend stalled, model drift\n"
                "  GET  /v1/adjustments      bid and budget adjustments of platform-managed campaigns (?since=SEQ)\n"
                "  GET  /v1/optimizer        last fit, plan and applied budgets; POST /v1/optimizer/run starts a refit\n"
                "  GET  /v1/models           model versions; POST /v1/models/ROLE/versions|activate|rollback|candidate|promote\n"
                "  POST /v1/predict          pCTR, pCVR and value per imp and line item for an OpenRTB request\n"
                "  GET  /healthz             liveness\n"
                "  %zu shards, io backend %s, %s\n",
                state.shards.size(), state.io_backend.c_str(),
                args.has("config") && !demo ? ("configuration " + *args.get("config")).c_str()
                : state.api_keys ? "embedded demo configuration"
                                 : "embedded demo configuration (no auth keys: listening on 127.0.0.1 only)");
    std::fflush(stdout);
    if (redis_stream) {
        const std::string& h = config.engine.listen_host;
        redis_stream->start(h.empty() || h == "0.0.0.0" || h == "::" ? "127.0.0.1" : h, server.port());
        std::printf("bidline: consuming redis stream %s (group %s)\n", redis_stream->options().key.c_str(),
                    redis_stream->options().group.c_str());
        std::fflush(stdout);
    }

    std::unique_ptr<DemoTraffic> traffic;
    if (demo) {
        DemoTrafficOptions o;
        o.host = config.engine.listen_host == "0.0.0.0" ? "127.0.0.1" : config.engine.listen_host;
        o.port = server.port();
        o.requests_per_second = args.number("rate", 200.0);
        o.seed = static_cast<std::uint64_t>(args.integer("seed", 42, 0, LONG_MAX));
        traffic = std::make_unique<DemoTraffic>(o);
        traffic->start();
        std::printf("bidline demo: synthetic exchange sending %.0f requests/s; watch it with\n"
                    "  curl -s http://%s:%u/v1/stats\n",
                    o.requests_per_second, o.host.c_str(), server.port());
        std::fflush(stdout);
    }

    // SIGHUP reloads the campaigns from the configuration file; SIGINT,
    // SIGTERM (or the --duration) stop.
    const std::optional<std::string> config_file = demo ? std::nullopt : args.get("config");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(duration_s);
    int sig = 0;
    // From here this thread only waits for signals and reloads the campaigns:
    // a reload must not take the CPU from a shard that shares its core.
    lower_this_thread_priority();
    for (;;) {
        if (duration_s > 0) {
            const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            timespec ts{static_cast<time_t>(left.count() / 1'000'000'000), static_cast<long>(left.count() % 1'000'000'000)};
            sig = sigtimedwait(&signals, nullptr, &ts);
            if (sig < 0 && errno == EINTR) continue;
        } else {
            sigwait(&signals, &sig);
        }
        if (sig != SIGHUP) break;
        if (!config_file) {
            spdlog::warn("SIGHUP: the embedded demo configuration has no file to reload");
            continue;
        }
        // The file's pauses yield to the workflow's statuses (reapply: any status changed meanwhile).
        const ReloadOutcome r =
            reload_campaigns(state, *config_file, [&admin](CampaignModel& m) { admin.apply_statuses(m); });
        if (r.applied) admin.reapply();
        if (r.applied) spdlog::info("{}", r.message);
        else spdlog::error("{}", r.message);
    }
    restore_this_thread_priority();  // the shutdown must not wait behind the load
    spdlog::info("bidline stopping (signal {})", sig > 0 ? sig : 0);
    if (traffic) traffic->stop();
    if (redis_stream) redis_stream->stop();  // before the server: it posts to it
    server.stop();
    event_log.stop();
    control.stop();
    spdlog::info("bidline stopped");
    return 0;
}

}  // namespace bidline
