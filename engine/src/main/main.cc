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
  serve     run the engine (OpenRTB bid endpoint, notices, stats)
  demo      run the engine with the demo configuration and synthetic traffic
  help      this text

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
