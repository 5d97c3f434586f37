// `bidline experiment analyze|size|lift`: read an A/B test (z-test, P(B>A),
// always-valid p-value), plan its sample size, or measure a campaign's
// incrementality against a holdout.
#include <cmath>
#include <cstdio>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/models/experiments/incrementality.h"
#include "bidline/models/experiments/proportion_test.h"
#include "bidline/models/experiments/sequential_test.h"
#include "main/analyst_io.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kExperimentHelp = R"(usage: bidline experiment analyze --a CONV/N --b CONV/N [--alpha 0.05] [--tau T] [--out FILE]
       bidline experiment size --base P --mde REL [--power 0.8] [--alpha 0.05]
       bidline experiment lift --exposed CONV/N --holdout CONV/N --spend S [--value-per-conversion V]
                               [--alpha 0.05] [--out FILE]

analyze: two-proportion z-test (two-sided), P(B beats A) with Beta(1,1) priors (exact), and the
  always-valid mSPRT p-value at this look (mixing sd --tau on the rate difference; default 10%
  of the pooled rate), valid however often you look.
size: users per arm to detect a relative lift REL over base rate P (two-sided).
lift: incremental conversions, lift and iROAS of exposed users against a no-bid holdout.
Each prints JSON on stdout (and writes it to --out).
)";

experiments::Proportion proportion(const CliArgs& args, const std::string& flag) {
    auto [conv, n] = parse_fraction(flag, args.required(flag));
    return {conv, n};
}

int emit(const CliArgs& args, const std::string& json) {
    std::printf("%s\n", json.c_str());
    if (auto out = args.get("out")) write_text_file(*out, json);
    return 0;
}

int analyze(const Args& argv) {
    const CliArgs args(argv, {"a", "b", "alpha", "tau", "out"}, {"help"});
    if (args.has("help")) return std::fputs(kExperimentHelp, stdout), 0;
    const auto a = proportion(args, "a"), b = proportion(args, "b");
    const double alpha = args.number("alpha", 0.05);
    if (!(alpha > 0 && alpha < 1)) throw CliError("--alpha must be in (0, 1)");
    const auto z = experiments::two_proportion_z_test(a, b, alpha);
    const double pooled = static_cast<double>(a.conversions + b.conversions) / static_cast<double>(a.trials + b.trials);
    const double tau = args.number("tau", std::max(1e-6, 0.1 * pooled));
    const experiments::SequentialLook look{a, b};
    const double p_seq = experiments::msprt_p_values({&look, 1}, tau).back();
    JsonWriter j;
    j.begin_object().field("rate_a", a.rate()).field("rate_b", b.rate()).field("difference", z.difference)
        .field("relative_lift", a.rate() > 0 ? b.rate() / a.rate() - 1 : NAN);
    j.key("difference_ci").begin_array().value(z.ci_low).value(z.ci_high).end_array();
    j.field("z", z.z).field("p_value", z.p_value).field("significant", z.p_value < alpha)
        .field("prob_b_beats_a", experiments::probability_b_beats_a(a, b)).field("msprt_p_value", p_seq).field("tau", tau);
    return emit(args, j.end_object().take());
}

int size(const Args& argv) {
    const CliArgs args(argv, {"base", "mde", "power", "alpha", "out"}, {"help"});
    if (args.has("help")) return std::fputs(kExperimentHelp, stdout), 0;
    const double base = parse_number("base", args.required("base")), mde = parse_number("mde", args.required("mde"));
    const double power = args.number("power", 0.8), alpha = args.number("alpha", 0.05);
    const double n = experiments::sample_size_per_arm(base, mde, power, alpha);
    JsonWriter j;
    j.begin_object().field("per_arm", static_cast<std::int64_t>(std::ceil(n))).field("total", static_cast<std::int64_t>(2 * std::ceil(n)))
        .field("exact", n).field("base", base).field("target", base * (1 + mde)).field("power", power).field("alpha", alpha);
    return emit(args, j.end_object().take());
}

int lift(const Args& argv) {
    const CliArgs args(argv, {"exposed", "holdout", "spend", "value-per-conversion", "alpha", "out"}, {"help"});
    if (args.has("help")) return std::fputs(kExperimentHelp, stdout), 0;
    const auto r = experiments::measure_incrementality(proportion(args, "exposed"), proportion(args, "holdout"),
                                                       parse_number("spend", args.required("spend")),
                                                       args.number("value-per-conversion", 1.0), args.number("alpha", 0.05));
    JsonWriter j;
    auto estimate = [&](const char* name, const experiments::Estimate& e) {
        j.key(name).begin_object().field("value", e.value).field("low", e.low).field("high", e.high).end_object();
    };
    j.begin_object();
    estimate("incremental_conversions", r.incremental_conversions);
    estimate("lift", r.lift);
    estimate("iroas", r.iroas);
    return emit(args, j.end_object().take());
}

}  // namespace

int experiment_command(const Args& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "help") {
        std::fputs(kExperimentHelp, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const Args rest(args.begin() + 1, args.end());
    try {
        if (args[0] == "analyze") return analyze(rest);
        if (args[0] == "size") return size(rest);
        if (args[0] == "lift") return lift(rest);
        throw CliError("unknown subcommand '" + args[0] + "' (analyze, size or lift; see --help)");
    } catch (const std::invalid_argument& e) {
        throw CliError(e.what());
    }
}

}  // namespace bidline
