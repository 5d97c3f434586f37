// `bidline optimize`: split a budget across channels from response curves
// (a curves file or an MMM report) — maximum response, or a ROAS target —
// with optional what-if scenarios.
#include <cmath>
#include <cstdio>
#include <limits>

#include <simdjson.h>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/pacing/budget_optimizer.h"
#include "main/analyst_io.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kOptimizeHelp = R"(usage: bidline optimize (--curves FILE.json | --mmm report.json) --budget B
                         [--target-roas X | --target-mroas X] [--max-change F]
                         [--scenarios M1,M2,...] [--out report.json]

Maximises total response Σ β·xˢ/(κˢ+xˢ) under the budget, each channel's [lower, upper] and
at most ±F×current spend (--max-change 0.3 = ±30%). S-shaped curves (slope > 1) are solved
globally (branch and bound on concave envelopes), not by equal marginal ROI.
--curves: [{"name","curve":"hill"|"logistic","beta","kappa","slope","lower","upper","current"}]
--mmm: the report of `bidline mmm fit --out` (curves per period of the fitted data).
--target-roas X: the most response whose overall ROAS stays >= X, spending at most B.
--target-mroas X: each channel spends while its marginal ROAS is >= X (--budget not needed).
--scenarios: also solve at these multiples of B (what-if).
Output: {"allocation":[{"name","spend","response","mroi"}],"spend","response","response_sd","roas",...}
)";

double number_or(simdjson::dom::object o, const char* key, double fallback) {
    auto v = o[key];
    if (v.error() == simdjson::NO_SUCH_FIELD) return fallback;
    if (v.is_null()) return fallback;
    double d;
    if (v.get_double().get(d) != simdjson::SUCCESS) {
        std::int64_t i;
        if (v.get_int64().get(i) != simdjson::SUCCESS) throw CliError(std::string("field '") + key + "' must be a number");
        d = static_cast<double>(i);
    }
    return d;
}

ChannelCurve curve_from(simdjson::dom::object o, std::string_view name) {
    ChannelCurve c;
    c.name = std::string(name);
    std::string_view kind = "hill";
    if (auto k = o["curve"]; k.error() == simdjson::SUCCESS && k.get_string().get(kind) != simdjson::SUCCESS)
        throw CliError("curve '" + c.name + "': \"curve\" must be a string");
    if (kind == "logistic") c.shape = CurveShape::logistic;
    else if (kind != "hill") throw CliError("curve '" + c.name + "': unknown curve '" + std::string(kind) + "' (hill or logistic)");
    c.beta = number_or(o, "beta", NAN);
    c.kappa = number_or(o, "kappa", NAN);
    c.slope = number_or(o, "slope", 1.0);
    c.lower = number_or(o, "lower", 0.0);
    c.upper = number_or(o, "upper", std::numeric_limits<double>::infinity());
    c.current = number_or(o, "current", 0.0);
    c.beta_sd = number_or(o, "beta_sd", 0.0);
    if (!std::isfinite(c.beta) || !std::isfinite(c.kappa)) throw CliError("curve '" + c.name + "': needs beta and kappa");
    return c;
}

std::vector<ChannelCurve> load_curves(const std::string& path, bool from_mmm) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const std::string text = read_text_file(path);
    if (auto err = parser.parse(text).get(doc)) throw CliError(path + ": not valid JSON (" + simdjson::error_message(err) + ")");
    simdjson::dom::array items;
    if (from_mmm ? doc["channels"].get_array().get(items) : doc.get_array().get(items))
        throw CliError(path + (from_mmm ? ": expected an MMM report with \"channels\"" : ": expected a JSON array of curves"));
    std::vector<ChannelCurve> out;
    for (simdjson::dom::element item : items) {
        simdjson::dom::object o;
        std::string_view name;
        if (item.get_object().get(o) || o["name"].get_string().get(name))
            throw CliError(path + ": every curve needs a \"name\"");
        simdjson::dom::object curve = o;
        if (from_mmm && o["curve"].get_object().get(curve)) throw CliError(path + ": channel '" + std::string(name) + "' has no curve");
        out.push_back(curve_from(curve, name));
        if (from_mmm) out.back().beta_sd = number_or(o, "beta_sd", out.back().beta_sd);
    }
    if (out.empty()) throw CliError(path + ": no curves");
    return out;
}

void write_allocation(JsonWriter& j, const BudgetAllocation& a) {
    j.key("allocation").begin_array();
    for (const auto& c : a.channels)
        j.begin_object().field("name", c.name).field("spend", c.spend).field("response", c.response).field("mroi", c.mroi).end_object();
    j.end_array().field("spend", a.spend).field("response", a.response).field("response_sd", a.response_sd).field("roas", a.roas);
}

}  // namespace

int optimize_command(const Args& argv) {
    const CliArgs args(argv, {"curves", "mmm", "budget", "target-roas", "target-mroas", "max-change", "scenarios", "out"},
                       {"help"});
    if (args.has("help")) return std::fputs(kOptimizeHelp, stdout), 0;
    if (args.has("curves") == args.has("mmm")) throw CliError("give exactly one of --curves and --mmm (see --help)");
    try {
        const auto curves = args.has("mmm") ? load_curves(args.required("mmm"), true) : load_curves(args.required("curves"), false);
        BudgetLimits limits;
        if (args.has("max-change")) {
            limits.max_change = args.number("max-change", 0);
            if (!(limits.max_change >= 0)) throw CliError("--max-change must be >= 0");
        }
        BudgetAllocation plan;
        std::string mode = "max_response";
        double budget = NAN;
        if (args.has("target-mroas")) {
            mode = "target_mroas";
            plan = spend_to_marginal_roas(curves, args.number("target-mroas", 0), limits);
        } else {
            budget = args.number("budget", NAN);
            if (!args.has("budget")) throw CliError("--budget is required (see --help)");
            if (args.has("target-roas")) {
                mode = "target_roas";
                plan = best_at_target_roas(curves, args.number("target-roas", 0), budget, limits);
            } else {
                plan = maximize_response(curves, budget, limits);
            }
        }
        std::vector<double> multiples;
        for (const auto& m : split_list(args.get("scenarios").value_or(""))) multiples.push_back(parse_number("scenarios", m));
        if (!multiples.empty() && !std::isfinite(budget)) throw CliError("--scenarios needs --budget");

        JsonWriter j;
        j.begin_object().field("mode", mode);
        if (std::isfinite(budget)) j.field("budget", budget);
        write_allocation(j, plan);
        if (!multiples.empty()) {
            j.key("scenarios").begin_array();
            for (double m : multiples) {
                j.begin_object().field("budget", budget * m);
                write_allocation(j, maximize_response(curves, budget * m, limits));
                j.end_object();
            }
            j.end_array();
        }
        const std::string json = j.end_object().take();

        std::printf("%-16s %12s %12s %8s\n", "channel", "spend", "response", "mroi");
        for (const auto& c : plan.channels) std::printf("%-16s %12.2f %12.2f %8.4f\n", c.name.c_str(), c.spend, c.response, c.mroi);
        std::printf("total spend %.2f, response %.2f ± %.2f, ROAS %.3f\n", plan.spend, plan.response, plan.response_sd, plan.roas);
        if (auto out = args.get("out")) write_text_file(*out, json);
        return 0;
    } catch (const std::invalid_argument& e) {
        throw CliError(e.what());
    }
}

}  // namespace bidline
