// `bidline attribute`: credit conversions and their value to channels from
// conversion paths (ChannelAttribution CSV format) under heuristic, Markov
// and Shapley models.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/log_conversion_paths.h"
#include "bidline/models/attribution/attribution_models.h"
#include "bidline/models/csv_table.h"
#include "main/analyst_io.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kAttributeHelp = R"(usage: bidline attribute (--paths FILE | --log DATA_DIR/events [--channel campaign|line_item])
                          [--model all|first_touch|last_touch|linear|time_decay|
                          position_based|markov|shapley|shapley_ordered] [--order N] [--half-life H]
                          [--out report.json]

FILE is `path;total_conversions;total_conversion_value;total_null` (the ChannelAttribution
package's format; value and null columns optional), touchpoints separated by " > ".
--log builds the paths from the engine's own event log instead: per user (the event's user_id,
else the user of the logged request that placed the bid), served impressions and clicks by
campaign (or line item) until a conversion; touches left open are null paths.
markov: removal effect of the order-N chain (default: orders 1, 2 and 3), solved exactly, with
and without null paths. shapley: the simplified Shapley value (exact); shapley_ordered also
splits each channel's credit by position. time_decay halves a touch's weight every H touches
before the conversion (default 1). Prints a table; --out writes
{"models":[{"model","channels":[{"channel","conversions","value",...}]}]}.
)";

const std::vector<std::string> kModels = {"first_touch", "last_touch",      "linear", "time_decay", "position_based",
                                          "markov",      "shapley", "shapley_ordered"};

std::vector<attribution::ConversionPath> read_paths(const CliArgs& args) {
    if (args.has("paths") == args.has("log")) throw CliError("give either --paths FILE or --log DATA_DIR/events");
    if (args.has("paths")) {
        if (args.has("channel")) throw CliError("--channel goes with --log");
        return attribution::read_conversion_paths(*args.get("paths"));
    }
    LogPathOptions options;
    const std::string channel = args.get("channel").value_or("campaign");
    if (channel == "line_item") options.channel = LogPathOptions::Channel::line_item;
    else if (channel != "campaign") throw CliError("--channel: expected campaign or line_item, got '" + channel + "'");
    const std::string log = *args.get("log");
    if (!std::filesystem::exists(log)) throw CliError("--log: " + log + ": no such file or directory");
    LogPaths from_log;
    try {
        from_log = conversion_paths_from_log(log, options);
    } catch (const std::exception& e) {
        throw CliError(e.what());
    }
    std::printf("%s: %zu distinct paths, %llu touches, %llu conversions (%llu without touches), %llu events without a user\n",
                log.c_str(), from_log.paths.size(), static_cast<unsigned long long>(from_log.touches),
                static_cast<unsigned long long>(from_log.conversions),
                static_cast<unsigned long long>(from_log.conversions_without_touches),
                static_cast<unsigned long long>(from_log.events_without_user));
    if (from_log.paths.empty()) throw CliError("--log: " + log + ": no conversion path (events need a user id, or the requests that placed the bids must be logged)");
    return std::move(from_log.paths);
}

}  // namespace

int attribute_command(const Args& argv) {
    const CliArgs args(argv, {"paths", "log", "channel", "model", "order", "half-life", "out"}, {"help"});
    if (args.has("help")) return std::fputs(kAttributeHelp, stdout), 0;
    const std::string model = args.get("model").value_or("all");
    if (model != "all" && std::find(kModels.begin(), kModels.end(), model) == kModels.end())
        throw CliError("--model: unknown model '" + model + "' (see --help)");
    std::vector<int> orders{1, 2, 3};
    if (args.has("order")) orders = {static_cast<int>(args.integer("order", 1, 1, 3))};
    attribution::HeuristicOptions heuristics;
    heuristics.half_life = args.number("half-life", 1.0);
    if (!(heuristics.half_life > 0)) throw CliError("--half-life must be > 0");
    try {
        const auto paths = read_paths(args);
        std::vector<attribution::Attribution> results;
        auto wanted = [&](const std::string& m) { return model == "all" || model == m; };
        using attribution::HeuristicRule;
        for (auto rule : {HeuristicRule::first_touch, HeuristicRule::last_touch, HeuristicRule::linear,
                          HeuristicRule::time_decay, HeuristicRule::position_based})
            if (wanted(std::string(attribution::rule_name(rule)))) results.push_back(heuristic_attribution(paths, rule, heuristics));
        if (wanted("markov"))
            for (int order : orders)
                for (auto nulls : {attribution::NullPaths::include, attribution::NullPaths::exclude})
                    results.push_back(markov_attribution(paths, order, nulls));
        if (wanted("shapley")) results.push_back(shapley_attribution(paths));
        if (wanted("shapley_ordered")) results.push_back(ordered_shapley_attribution(paths));

        JsonWriter j;
        j.begin_object().key("models").begin_array();
        for (const auto& r : results) {
            j.begin_object().field("model", r.model).key("channels").begin_array();
            for (const auto& c : r.channels) {
                j.begin_object().field("channel", c.channel).field("conversions", c.conversions).field("value", c.value);
                if (r.model.starts_with("markov")) j.field("removal_effect", c.removal_effect);
                if (!c.by_position.empty()) {
                    j.key("by_position").begin_array();
                    for (double v : c.by_position) j.value(v);
                    j.end_array();
                }
                j.end_object();
            }
            j.end_array().end_object();
        }
        const std::string json = j.end_array().end_object().take();

        const auto channels = attribution::channels_of(paths);
        std::printf("%-20s", "conversions");
        for (const auto& c : channels) std::printf(" %12.12s", c.c_str());
        std::printf("\n");
        for (const auto& r : results) {
            std::printf("%-20s", r.model.c_str());
            for (const auto& c : r.channels) std::printf(" %12.3f", c.conversions);
            std::printf("\n");
        }
        if (auto out = args.get("out")) write_text_file(*out, json);
        return 0;
    } catch (const CsvError& e) {
        throw CliError(e.what());
    } catch (const std::invalid_argument& e) {
        throw CliError(e.what());
    }
}

}  // namespace bidline
