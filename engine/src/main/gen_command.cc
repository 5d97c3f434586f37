#include <climits>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bidline/engine/cli_args.h"
#include "bidline/feeds/market_generator.h"
#include "main/commands.h"

namespace bidline {
namespace {
constexpr const char* kGenHelp =
    R"(usage: bidline gen --hours N --requests N --seed S --out FILE [--start EPOCH_MS] [--with-pctr]
                   [--auction first|second]

Writes a synthetic market in the NDJSON replay format (one request per line
with its market price and click/conversion outcomes): a daily traffic curve,
varied contexts, hidden click and conversion rates and a log-normal market
price that depend on the context. The same seed writes the same file.
--out - writes to stdout. --start defaults to 2026-06-01T00:00:00Z.
--with-pctr adds "pctr" to each row: the hidden CTR with log-normal noise
(sd 0.3), standing in for a click model when replaying click strategies.
--auction sets every request's auction type: second (at = 2, the default;
the winner pays the market price) or first (at = 1; the winner pays its bid).
The market price (the highest competing bid) is the same either way.
)";
}

int gen_command(const Args& argv) {
    const CliArgs args(argv, {"hours", "requests", "seed", "out", "start", "auction"}, {"help", "with-pctr"});
    if (args.has("help")) {
        std::fputs(kGenHelp, stdout);
        return 0;
    }
    MarketOptions o;
    o.hours = static_cast<std::uint32_t>(args.integer("hours", 24, 1, 24 * 366));
    o.requests = static_cast<std::uint64_t>(args.integer("requests", 100'000, 1, 1'000'000'000));
    o.seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, LONG_MAX));
    if (args.has("start")) o.start_us = args.integer("start", 0, 0, LONG_MAX) * 1000;
    o.with_pctr = args.has("with-pctr");
    const std::string auction = args.get("auction").value_or("second");
    if (auction == "first") o.auction = MarketOptions::Auction::first_price;
    else if (auction != "second") throw CliError("--auction: expected first or second");
    const std::string out = args.required("out");
    std::uint64_t n;
    if (out == "-") {
        n = write_synthetic_market(o, std::cout);
    } else {
        std::ofstream f(out, std::ios::binary);
        if (!f) throw CliError("cannot write " + out);
        n = write_synthetic_market(o, f);
        if (!f.flush()) throw CliError("write failed: " + out);
    }
    std::fprintf(stderr, "bidline gen: %llu requests over %u hours written to %s\n", static_cast<unsigned long long>(n),
                 o.hours, out.c_str());
    return 0;
}

}  // namespace bidline
