// bidline: one binary, many subcommands. Each has --help.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "bidline/engine/cli_args.h"
#include "bidline/config/config.h"
#include "main/commands.h"

namespace {

constexpr const char* kUsage = R"(bidline: a real-time bidding engine

usage: bidline <command> [options]

commands:
  serve       run the engine (OpenRTB bid endpoint, notices, stats)
  demo        run the engine with the demo configuration and synthetic traffic
  gen         write a synthetic market (NDJSON replay format)
  replay      backtest: run the bid path over logged or imported traffic
  log         print event log records as NDJSON (log cat PATH...)
  stream      send NDJSON events to an engine over the binary event stream
  train       fit a GBDT (pCTR, pCVR, conversion value) on logs with the bid path's features
  score       predictions of a GBDT (XGBoost) or MLP model file for the rows of a CSV
  mmm         fit a media-mix model (mmm fit) or generate data with known truth (mmm gen)
  optimize    split a budget across channels from response curves
  attribute   multi-touch attribution of conversion paths (heuristic, Markov, Shapley)
  experiment  A/B test analysis, sample size, holdout incrementality
  keys        mint, list and remove API keys (only salted hashes are stored)
  credentials the encrypted store of platform credentials (OAuth refresh tokens)
  activate    the activation connector: applies adjustments through a platform's API
  help        this text

Every command answers --help.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
        std::strcmp(argv[1], "-h") == 0) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string cmd = argv[1];
    bidline::Args args(argv + 2, argv + argc);
    try {
        if (cmd == "serve" || cmd == "demo") return bidline::serve_command(args, argv, cmd == "demo");
        // Analyst commands: one line each, implemented in src/main/<name>_command.cc.
        struct Command {
            const char* name;
            int (*run)(const bidline::Args&);
        };
        static constexpr Command kCommands[] = {
            {"gen", bidline::gen_command},
            {"replay", bidline::replay_command},
            {"log", bidline::log_command},
            {"score", bidline::score_command},
            {"train", bidline::train_command},
            {"mmm", bidline::mmm_command},
            {"optimize", bidline::optimize_command},
            {"attribute", bidline::attribute_command},
            {"experiment", bidline::experiment_command},
            {"stream", bidline::stream_command},
            {"keys", bidline::keys_command},
            {"credentials", bidline::credentials_command},
            {"activate", bidline::activate_command},
        };
        for (const Command& c : kCommands)
            if (c.run != nullptr && cmd == c.name) return c.run(args);
        std::fprintf(stderr, "bidline: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
        return 2;
    } catch (const bidline::CliError& e) {
        std::fprintf(stderr, "bidline %s: %s\n", cmd.c_str(), e.what());
        return 2;
    } catch (const bidline::ConfigError& e) {
        std::fprintf(stderr, "bidline %s: configuration error: %s\n", cmd.c_str(), e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bidline %s: %s\n", cmd.c_str(), e.what());
        return 1;
    }
}
