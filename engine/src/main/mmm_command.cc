// `bidline mmm fit|gen`: fit a media-mix model to a CSV series and report
// per-channel contribution, ROI, marginal ROI and response curves; or write
// synthetic data with known truth to try it on.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/models/csv_table.h"
#include "bidline/models/mmm/media_mix_model.h"
#include "bidline/models/mmm/synthetic_media.h"
#include "main/analyst_io.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kMmmHelp = R"(usage: bidline mmm fit --data FILE.csv --date COL --target COL --channels C1,C2,...
                      [--controls COL,...] [--out report.json]
                      [--adstock geometric|weibull_cdf|weibull_pdf] [--saturation hill|logistic]
                      [--max-lag N] [--season-period P] [--test-periods N] [--bootstrap N] [--seed S]
       bidline mmm gen --weeks N --channels K [--seed S] [--noise F] --out FILE.csv [--truth truth.json]

fit: outcome = baseline (trend, Fourier seasonality, controls) + Σ β·saturation(adstock(spend)).
Adstock and saturation parameters are searched per channel (Nelder-Mead, several starts), the
ridge strength by time-ordered cross-validation; the last periods (default 10%) are held out.
Prints a summary; --out writes the JSON report (channels, baseline, fit), whose "curve" objects
`bidline optimize --mmm` reads. Spend and outcome are per period (a row); --season-period is the
number of rows per year (52.18 for weekly data, the default; 365.25 for daily).
gen: synthetic weekly data with known adstock, saturation and ROI; --truth writes the truth.
)";

void write_adstock(JsonWriter& j, const mmm::Adstock& a) {
    j.key("adstock").begin_object().field("kind", mmm::adstock_name(a.kind));
    if (a.kind == mmm::AdstockKind::geometric) j.field("decay", a.decay);
    else j.field("shape", a.shape).field("scale", a.scale);
    j.field("max_lag", a.max_lag).end_object();
}

void write_saturation(JsonWriter& j, const mmm::Saturation& s) {
    j.key("saturation").begin_object().field("kind", mmm::saturation_name(s.kind)).field("kappa", s.kappa);
    if (s.kind == mmm::SaturationKind::hill) j.field("slope", s.slope);
    j.end_object();
}

std::string report_json(const mmm::MediaMixResult& r, double seconds) {
    JsonWriter j;
    j.begin_object().key("channels").begin_array();
    for (const auto& c : r.channels) {
        j.begin_object()
            .field("name", c.name)
            .field("contribution", c.contribution)
            .field("share", c.share)
            .field("roi", c.roi)
            .field("mroi", c.mroi)
            .field("spend", c.spend)
            .field("current_spend", c.current_spend)
            .field("beta", c.beta)
            .field("beta_sd", c.beta_sd);
        j.key("contribution_interval").begin_array().value(c.contribution_interval.low).value(c.contribution_interval.high).end_array();
        j.key("roi_interval").begin_array().value(c.roi_interval.low).value(c.roi_interval.high).end_array();
        write_adstock(j, c.adstock);
        write_saturation(j, c.saturation);
        // The steady-state response per period: the input of `bidline optimize`.
        j.key("curve").begin_object().field("curve", mmm::saturation_name(c.saturation.kind)).field("beta", c.beta)
            .field("kappa", c.saturation.kappa).field("slope", c.saturation.slope).field("current", c.current_spend)
            .field("beta_sd", c.beta_sd).end_object();
        j.key("response_curve").begin_array();
        for (const auto& p : c.curve) j.begin_array().value(p.spend).value(p.response).end_array();
        j.end_array().end_object();
    }
    j.end_array().field("baseline", r.baseline).field("baseline_share", r.baseline_share);
    j.key("fit").begin_object().field("r2", r.fit.r2).field("mape", r.fit.mape);
    if (r.fit.r2_test) j.field("r2_test", *r.fit.r2_test).field("mape_test", *r.fit.mape_test);
    else j.key("r2_test").null().key("mape_test").null();
    j.field("train_periods", static_cast<std::uint64_t>(r.fit.train_periods))
        .field("test_periods", static_cast<std::uint64_t>(r.fit.test_periods))
        .field("ridge", r.ridge).field("evaluations", r.evaluations).field("seconds", seconds).end_object();
    return j.end_object().take();
}

void print_summary(const mmm::MediaMixResult& r, double seconds) {
    std::printf("%-16s %12s %6s %7s %13s %7s\n", "channel", "contribution", "share", "roi", "roi 90%", "mroi");
    for (const auto& c : r.channels)
        std::printf("%-16s %12.1f %5.1f%% %7.3f [%5.2f,%5.2f] %7.3f\n", c.name.c_str(), c.contribution, 100 * c.share, c.roi,
                    c.roi_interval.low, c.roi_interval.high, c.mroi);
    std::printf("baseline %.1f (%.1f%% of fitted outcome)\n", r.baseline, 100 * r.baseline_share);
    std::printf("fit: R² %.3f, MAPE %.2f%% on %zu training periods", r.fit.r2, 100 * r.fit.mape, r.fit.train_periods);
    if (r.fit.r2_test)
        std::printf("; R² %.3f, MAPE %.2f%% on %zu held-out periods", *r.fit.r2_test, 100 * *r.fit.mape_test, r.fit.test_periods);
    std::printf(" (%.2f s)\n", seconds);
}

int fit(const Args& argv) {
    const CliArgs args(argv, {"data", "date", "target", "channels", "controls", "out", "adstock", "saturation", "max-lag",
                              "season-period", "test-periods", "bootstrap", "seed"},
                       {"help"});
    if (args.has("help")) return std::fputs(kMmmHelp, stdout), 0;
    mmm::MediaColumns cols{args.required("date"), args.required("target"), split_list(args.required("channels")),
                           split_list(args.get("controls").value_or(""))};
    if (cols.channels.empty()) throw CliError("--channels: name at least one channel column");
    mmm::MmmOptions o;
    if (auto a = args.get("adstock")) {
        auto k = mmm::parse_adstock_kind(*a);
        if (!k) throw CliError("--adstock: expected geometric, weibull_cdf or weibull_pdf, got '" + *a + "'");
        o.adstock = *k;
    }
    if (auto s = args.get("saturation")) {
        auto k = mmm::parse_saturation_kind(*s);
        if (!k) throw CliError("--saturation: expected hill or logistic, got '" + *s + "'");
        o.saturation = *k;
    }
    o.max_lag = static_cast<int>(args.integer("max-lag", o.max_lag, 0, 104));
    o.season_period = args.number("season-period", o.season_period);
    o.test_periods = static_cast<std::size_t>(args.integer("test-periods", 0, 0, 100000));
    o.bootstrap_draws = static_cast<int>(args.integer("bootstrap", o.bootstrap_draws, 0, 100000));
    o.seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, std::numeric_limits<long>::max()));

    const auto series = mmm::read_media_series_csv(args.required("data"), cols);
    const auto t0 = std::chrono::steady_clock::now();
    const auto result = mmm::fit_media_mix(series, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    print_summary(result, seconds);
    if (auto out = args.get("out")) write_text_file(*out, report_json(result, seconds));
    return 0;
}

int gen(const Args& argv) {
    const CliArgs args(argv, {"weeks", "channels", "seed", "noise", "out", "truth"}, {"help"});
    if (args.has("help")) return std::fputs(kMmmHelp, stdout), 0;
    mmm::SyntheticOptions o;
    o.periods = static_cast<std::size_t>(args.integer("weeks", 156, 20, 100000));
    o.channels = static_cast<std::size_t>(args.integer("channels", 5, 1, 1000));
    o.seed = static_cast<std::uint64_t>(args.integer("seed", 1, 0, std::numeric_limits<long>::max()));
    o.noise = args.number("noise", o.noise);
    if (!(o.noise >= 0)) throw CliError("--noise must be >= 0");
    const std::string out = args.required("out");
    const auto data = mmm::generate_media_mix(o);
    std::ostringstream csv;
    mmm::write_media_series_csv(data.series, "revenue", csv);
    std::string text = csv.str();
    text.pop_back();  // write_text_file adds the final newline
    write_text_file(out, text);
    if (auto truth = args.get("truth")) {
        JsonWriter j;
        j.begin_object().key("channels").begin_array();
        for (const auto& c : data.truth) {
            j.begin_object().field("name", c.name).field("contribution", c.contribution).field("share", c.share)
                .field("roi", c.roi).field("spend", c.spend).field("beta", c.beta);
            write_adstock(j, c.adstock);
            write_saturation(j, c.saturation);
            j.end_object();
        }
        j.end_array().field("baseline", data.baseline).end_object();
        write_text_file(*truth, j.take());
    }
    std::printf("%s: %zu weeks, %zu channels (columns date, revenue, %s..., price)\n", out.c_str(), o.periods, o.channels,
                data.truth.front().name.c_str());
    return 0;
}

}  // namespace

int mmm_command(const Args& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "help") {
        std::fputs(kMmmHelp, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const Args rest(args.begin() + 1, args.end());
    try {
        if (args[0] == "fit") return fit(rest);
        if (args[0] == "gen") return gen(rest);
        throw CliError("unknown subcommand '" + args[0] + "' (fit or gen; see --help)");
    } catch (const CsvError& e) {
        throw CliError(e.what());
    } catch (const std::invalid_argument& e) {
        throw CliError(e.what());
    }
}

}  // namespace bidline
