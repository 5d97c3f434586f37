#include <cstdio>
#include <fstream>
#include <iostream>

#include "bidline/config/config.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/replay.h"
#include "main/commands.h"

namespace bidline {
namespace {
constexpr const char* kReplayHelp = R"(usage: bidline replay --input FILE... [--format ndjson|ipinyou|native]
                      (--config CFG | --budget AMOUNT --strategy NAME [--bid CPM] [--cpc V] --pacing MODE)
                      [--controller pid|dual|throttle] [--bucket 1h] [--out report.json]
       bidline replay --input FILE... --compare CFG1 CFG2 ...

Runs the real bid path single-threaded over the traffic in FILE (simulated
clock from the log, simulated auction: win when our bid beats market_price,
pay the market price in second-price auctions and our bid in first-price
ones). Budgets, leases and the control loop are live.
  --strategy  manual_cpm | manual_cpc | max_clicks | target_cpa | target_roas | max_conversions
  --bid       the strategy's price: CPM (manual_cpm), CPC (manual_cpc) or CPA (target_cpa)
  --pacing    even | traffic | asap | front_loaded
  --cpc       value per click: manual_cpc's bid (CPM = 1000 × cpc × pCTR), max_clicks' starting λ
  --controller  pacing controller of model-driven strategies: pid (default),
              dual or throttle (manual bids are always throttled)
  --format    ndjson (default), ipinyou (27- or 3-column), or native: the
              engine's event log (a directory such as DATA_DIR/events, or
              segment files) — logged requests, priced by the wins and
              min-to-win losses of their bids (feeds/README.md, "Native replay")
  --bucket    timeline bucket: Ns, Nm or Nh (default 1h)
  --compare   run several configurations on the same traffic and print a table
report.json: {"totals":{bids,wins,impressions,clicks,conversions,conversion_value,spend},
              "line_items":[…], "timeline":[{t,spend,cumulative_spend,planned_spend,wins,clicks}]};
              spend in currency units; planned_spend is the plan to date at the bucket's end.
)";

std::chrono::microseconds parse_bucket(const std::string& s) {
    if (s.size() < 2) throw CliError("--bucket: expected Ns, Nm or Nh");
    const long n = std::stol(s.substr(0, s.size() - 1));
    if (n <= 0) throw CliError("--bucket must be positive");
    switch (s.back()) {
        case 's': return std::chrono::seconds(n);
        case 'm': return std::chrono::minutes(n);
        case 'h': return std::chrono::hours(n);
    }
    throw CliError("--bucket: expected a unit s, m or h");
}

}  // namespace

int replay_command(const Args& argv) {
    CliArgs args(argv, {"input", "format", "config", "budget", "strategy", "bid", "pacing", "controller", "cpc", "bucket", "out",
                  "compare"},
                 {"help"});
    if (args.has("help")) {
        std::fputs(kReplayHelp, stdout);
        return 0;
    }
    std::vector<std::string> inputs = args.all("input");
    if (inputs.empty()) throw CliError("--input is required (see --help)");
    // `--input a b c`: extra positional files belong to --input unless --compare took them.
    const auto format = parse_replay_format(args.get("format").value_or("ndjson"));
    if (!format) throw CliError("--format: expected ndjson, ipinyou or native");
    ReplayOptions options;
    options.bucket = parse_bucket(args.get("bucket").value_or("1h"));
    const auto controller = parse_pacing_controller(args.get("controller").value_or("pid"));
    if (!controller) throw CliError("--controller: expected pid, dual or throttle");
    options.controller = *controller;

    std::vector<std::pair<std::string, Config>> runs;
    if (args.has("compare")) {
        std::vector<std::string> files = args.all("compare");
        for (const auto& p : args.positional()) files.push_back(p);
        for (const auto& f : files) runs.emplace_back(f, load_config_file(f));
    } else {
        for (const auto& p : args.positional()) inputs.push_back(p);
        if (args.has("config")) {
            runs.emplace_back(*args.get("config"), load_config_file(*args.get("config")));
        } else {
            const auto strategy = parse_bid_strategy(args.required("strategy"));
            if (!strategy) throw CliError("--strategy: unknown strategy (see --help)");
            const auto pacing = parse_pacing_mode(args.get("pacing").value_or("even"));
            if (!pacing) throw CliError("--pacing: expected even, traffic, asap or front_loaded");
            const double budget = args.number("budget", -1);
            if (budget <= 0) throw CliError("--budget: a positive amount is required without --config");
            Config c = single_campaign_config(budget, *strategy, *pacing, args.number("bid", 0.0));
            // Value per click: manual_cpc's bid, max_clicks' starting λ.
            if (args.has("cpc")) c.campaigns.line_items.at(0).bid.cpc = Micros::from_units(args.number("cpc", 0.0));
            runs.emplace_back("command line", std::move(c));
        }
    }

    std::vector<ReplayReport> reports;
    for (auto& [name, config] : runs) {
        auto source = open_replay_source(inputs, *format);
        ReplayReport r = run_replay(config, *source, options);
        r.name = name;
        reports.push_back(std::move(r));
    }

    std::string json;
    if (reports.size() == 1) {
        json = replay_report_json(reports[0]);
    } else {
        json = "[";
        for (std::size_t i = 0; i < reports.size(); ++i) json += (i ? "," : "") + replay_report_json(reports[i]);
        json += "]";
    }
    if (auto out = args.get("out")) {
        std::ofstream f(*out);
        if (!f || !(f << json << '\n')) throw CliError("cannot write " + *out);
    } else if (reports.size() == 1) {
        std::cout << json << '\n';
    }

    std::printf("%-28s %10s %10s %9s %8s %8s %12s %12s %10s\n", "configuration", "requests", "bids", "wins", "clicks",
                "conv", "spend", "budget", "eCPC");
    for (const ReplayReport& r : reports) {
        const double spend = static_cast<double>(r.totals.spend_micros) / 1e6;
        std::printf("%-28s %10llu %10llu %9llu %8llu %8llu %12.2f %12.2f %10.4f\n", r.name.substr(0, 28).c_str(),
                    static_cast<unsigned long long>(r.totals.requests), static_cast<unsigned long long>(r.totals.bids),
                    static_cast<unsigned long long>(r.totals.wins), static_cast<unsigned long long>(r.totals.clicks),
                    static_cast<unsigned long long>(r.totals.conversions), spend,
                    static_cast<double>(r.budget_micros) / 1e6,
                    r.totals.clicks ? spend / static_cast<double>(r.totals.clicks) : 0.0);
    }
    return 0;
}

}  // namespace bidline
