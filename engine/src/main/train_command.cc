// `bidline train`: fits a GBDT (libxgboost's C API) on logged traffic with
// the bid path's own features (FeatureBuilder via TrainingRowBuilder) and
// writes a model bundle: model.json, schema.json, metrics.json.
#include <xgboost/c_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/training_rows.h"
#include "bidline/feeds/replay_source.h"
#include "bidline/models/feature_builder.h"
#include "bidline/models/model_bundle.h"
#include "bidline/models/prediction_metrics.h"
#include "bidline/models/drift_reference.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kTrainHelp = R"(usage: bidline train --log FILE [--log FILE...] --target click|conversion|value --out DIR
                     [--format ndjson|native] [--validation 0.2] [--rounds 100] [--depth 6]
                     [--eta 0.1] [--min-child-weight 20] [--utc-offset MINUTES]

Trains a gradient-boosted tree model (libxgboost) on logged traffic, with the
features the bid path computes (models/README.md lists them), and writes:
  DIR/model.json    the XGBoost model (JSON): `bidline score` and the engine load it
  DIR/schema.json   {"feature_schema_version": N, "features": [...]}: checked at load
  DIR/metrics.json  validation AUC, log loss (RMSE for value), calibration table, trained_at_us
  DIR/reference.json  feature and score distributions of the training rows (the engine's drift baseline)
--log         replay rows in time order: NDJSON (ts, request, market_price,
              click, conversion, conversion_value; `bidline gen` writes it)
              or the engine's event log (--format native)
--target      click: P(click) per request (binary:logistic)
              conversion: P(conversion) per request (binary:logistic)
              value: conversion value of converted rows (reg:squarederror)
--validation  share of rows, the latest by ts, held out for the metrics (0.2)
--rounds, --depth, --eta   boosting rounds, tree depth, learning rate
--min-child-weight         least hessian sum per leaf (XGBoost's min_child_weight)
--utc-offset  the campaigns' time zone in minutes east of UTC (0) for the
              hour-of-week and day-of-week features
Exit 0 on success; 1 when the data cannot train a model; 2 for bad arguments
or an unreadable log.
)";

// Hessian sum a leaf needs. For rare events a row's hessian is p(1-p) ≈ CTR,
// so XGBoost's default of 1 lets a leaf stand on ~1/CTR rows holding one or
// two clicks, and depth-6 trees memorise them; 20 asks for ~20 expected
// clicks per leaf (better validation AUC and log loss on every `gen` seed
// tried: models/README.md, "Training").
constexpr double kDefaultMinChildWeight = 20.0;

enum class Target { click, conversion, value };

class TrainError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

void xgb_check(int rc, const char* what) {
    if (rc != 0) throw TrainError(std::string("libxgboost ") + what + ": " + XGBGetLastError());
}

struct Dataset {
    std::vector<float> x;  // row-major, kFeatureCount per row
    std::vector<float> y;
    std::vector<std::int64_t> ts_us;
    std::size_t read = 0, skipped = 0, out_of_order = 0;
    std::size_t rows() const { return y.size(); }
};

Dataset read_dataset(const std::vector<std::string>& logs, ReplayFormat format, Target target,
                     std::int32_t utc_offset_minutes) {
    Dataset d;
    std::unique_ptr<ReplaySource> source = open_replay_source(logs, format);
    TrainingRowBuilder builder(utc_offset_minutes);
    ReplayRecord r;
    std::array<float, models::kFeatureCount> row{};
    std::int64_t last_ts = std::numeric_limits<std::int64_t>::min();
    while (source->next(r)) {
        ++d.read;
        OpenRtbError error;
        if (!builder.add(r, row, error)) {  // still counted: the request is not a training row
            ++d.skipped;
            continue;
        }
        if (r.ts_us < last_ts) ++d.out_of_order;
        last_ts = std::max(last_ts, r.ts_us);
        if (target == Target::value && !r.conversion) continue;
        d.x.insert(d.x.end(), row.begin(), row.end());
        d.y.push_back(target == Target::click        ? (r.click ? 1.0f : 0.0f)
                      : target == Target::conversion ? (r.conversion ? 1.0f : 0.0f)
                                                     : static_cast<float>(r.conversion_value));
        d.ts_us.push_back(r.ts_us);
    }
    return d;
}

// Rows reordered by time (stable), so the split holds out the latest.
void sort_by_time(Dataset& d) {
    std::vector<std::size_t> order(d.rows());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d.ts_us[a] < d.ts_us[b]; });
    Dataset s;
    s.x.reserve(d.x.size());
    for (const std::size_t i : order) {
        s.x.insert(s.x.end(), d.x.begin() + static_cast<std::ptrdiff_t>(i * models::kFeatureCount),
                   d.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * models::kFeatureCount));
        s.y.push_back(d.y[i]);
        s.ts_us.push_back(d.ts_us[i]);
    }
    d.x = std::move(s.x);
    d.y = std::move(s.y);
    d.ts_us = std::move(s.ts_us);
}

class DMatrix {
public:
    DMatrix(const float* x, const float* y, std::size_t rows) {
        xgb_check(XGDMatrixCreateFromMat(x, rows, models::kFeatureCount, std::numeric_limits<float>::quiet_NaN(), &h_),
                  "XGDMatrixCreateFromMat");
        xgb_check(XGDMatrixSetFloatInfo(h_, "label", y, rows), "XGDMatrixSetFloatInfo");
    }
    ~DMatrix() { XGDMatrixFree(h_); }
    DMatrix(const DMatrix&) = delete;
    DMatrix& operator=(const DMatrix&) = delete;
    DMatrixHandle handle() const { return h_; }

private:
    DMatrixHandle h_ = nullptr;
};

class Booster {
public:
    explicit Booster(DMatrixHandle train) { xgb_check(XGBoosterCreate(&train, 1, &h_), "XGBoosterCreate"); }
    ~Booster() { XGBoosterFree(h_); }
    Booster(const Booster&) = delete;
    Booster& operator=(const Booster&) = delete;
    void set(const char* key, const std::string& value) {
        xgb_check(XGBoosterSetParam(h_, key, value.c_str()), "XGBoosterSetParam");
    }
    void update(int round, DMatrixHandle train) { xgb_check(XGBoosterUpdateOneIter(h_, round, train), "update"); }
    std::vector<float> predict(DMatrixHandle m) {
        bst_ulong len = 0;
        const float* out = nullptr;
        xgb_check(XGBoosterPredict(h_, m, 0, 0, 0, &len, &out), "XGBoosterPredict");
        return std::vector<float>(out, out + len);
    }
    void save(const std::filesystem::path& p) {
        xgb_check(XGBoosterSaveModel(h_, p.c_str()), "XGBoosterSaveModel");
    }

private:
    BoosterHandle h_ = nullptr;
};

void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) throw TrainError(p.string() + ": cannot write");
}

// JSON numbers cannot be NaN: undefined metrics are null.
std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

const char* target_name(Target t) { return t == Target::click ? "click" : t == Target::conversion ? "conversion" : "value"; }

std::vector<std::string> checked_logs(const std::vector<std::string>& logs, ReplayFormat format) {
    if (logs.empty()) throw CliError("--log FILE is required");
    for (const std::string& f : logs) {
        std::error_code ec;
        if (!std::filesystem::exists(f, ec)) throw CliError("cannot read log " + f + ": no such file or directory");
        const bool directory = std::filesystem::is_directory(f, ec);
        if (directory && format != ReplayFormat::native)
            throw CliError("cannot read log " + f + ": a directory (--format native reads event log directories)");
        if (!directory && !std::ifstream(f)) throw CliError("cannot read log " + f);
    }
    return logs;
}

}  // namespace

int train_command(const Args& argv_rest) {
    const CliArgs args(argv_rest, {"log", "format", "target", "out", "validation", "rounds", "depth", "eta", "min-child-weight", "utc-offset"},
                       {"help"});
    if (args.has("help")) {
        std::fputs(kTrainHelp, stdout);
        return 0;
    }
    const std::string target_text = args.required("target");
    Target target;
    if (target_text == "click") target = Target::click;
    else if (target_text == "conversion") target = Target::conversion;
    else if (target_text == "value") target = Target::value;
    else throw CliError("--target must be click, conversion or value, not '" + target_text + "'");
    const std::string format_text = args.get("format").value_or("ndjson");
    const std::optional<ReplayFormat> format = parse_replay_format(format_text);
    if (!format || *format == ReplayFormat::ipinyou)
        throw CliError("--format must be ndjson or native, not '" + format_text + "'");
    const std::filesystem::path out_dir = args.required("out");
    const double validation = args.number("validation", 0.2);
    if (!(validation > 0.0 && validation < 1.0)) throw CliError("--validation must be between 0 and 1 (exclusive)");
    const long rounds = args.integer("rounds", 100, 1, 100000);
    const long depth = args.integer("depth", 6, 1, 20);
    const double eta = args.number("eta", 0.1);
    if (!(eta > 0.0 && eta <= 1.0)) throw CliError("--eta must be in (0, 1]");
    const double min_child_weight = args.number("min-child-weight", kDefaultMinChildWeight);
    if (!(min_child_weight >= 0.0)) throw CliError("--min-child-weight must be >= 0");
    const auto utc_offset = static_cast<std::int32_t>(args.integer("utc-offset", 0, -16 * 60, 16 * 60));
    const std::vector<std::string> logs = checked_logs(args.all("log"), *format);

    try {
        Dataset d;
        try {
            d = read_dataset(logs, *format, target, utc_offset);
        } catch (const ReplayError& e) {
            throw TrainError(e.what());
        }
        sort_by_time(d);
        const std::size_t n = d.rows();
        const auto n_valid = static_cast<std::size_t>(std::llround(static_cast<double>(n) * validation));
        const std::size_t n_train = n - n_valid;
        if (n_train == 0 || n_valid == 0)
            throw TrainError(std::to_string(n) + " usable rows (" + std::to_string(d.read) + " read, " +
                             std::to_string(d.skipped) + " unparseable" +
                             (target == Target::value ? ", only converted rows count for value" : "") +
                             "): too few to train and validate");
        if (target != Target::value) {
            const double positives = std::accumulate(d.y.begin(), d.y.begin() + static_cast<std::ptrdiff_t>(n_train), 0.0);
            if (positives == 0 || positives == static_cast<double>(n_train))
                throw TrainError("the training rows have no " + std::string(positives == 0 ? "positive" : "negative") +
                                 " " + target_name(target) + " labels: nothing to learn");
        }

        const float* x = d.x.data();
        const float* y = d.y.data();
        const DMatrix train(x, y, n_train);
        const DMatrix valid(x + n_train * models::kFeatureCount, y + n_train, n_valid);
        Booster booster(train.handle());
        booster.set("objective", target == Target::value ? "reg:squarederror" : "binary:logistic");
        booster.set("max_depth", std::to_string(depth));
        booster.set("eta", number(eta));
        booster.set("min_child_weight", number(min_child_weight));
        booster.set("tree_method", "hist");
        booster.set("seed", "0");
        booster.set("nthread", "1");  // deterministic, and the machine is shared
        for (long i = 0; i < rounds; ++i) booster.update(static_cast<int>(i), train.handle());
        const std::vector<float> pred = booster.predict(valid.handle());
        if (pred.size() != n_valid) throw TrainError("libxgboost returned " + std::to_string(pred.size()) + " predictions");

        const std::span<const float> labels(y + n_train, n_valid);
        const double auc = target == Target::value ? std::nan("") : models::roc_auc(pred, labels);
        const double loss = target == Target::value ? std::nan("") : models::log_loss(pred, labels);
        const double err = models::rmse(pred, labels);
        const std::vector<models::CalibrationBucket> calibration = models::calibration_table(pred, labels, 10);

        std::error_code ec;
        std::filesystem::create_directories(out_dir, ec);
        if (ec) throw TrainError(out_dir.string() + ": cannot create: " + ec.message());
        booster.save(out_dir / "model.json");
        write_file(out_dir / "schema.json", models::feature_schema_json(models::current_feature_schema()));
        // The training rows' distributions, against which the engine measures drift.
        const auto& names = models::feature_names();
        write_file(out_dir / "reference.json",
                   models::drift_reference_json(models::build_drift_reference(
                       std::span<const float>(x, n_train * models::kFeatureCount), models::kFeatureCount,
                       std::span<const std::string_view>(names.data(), names.size()), pred)));

        std::string m = "{\n  \"target\": \"" + std::string(target_name(target)) + "\",\n";
        m += "  \"feature_schema_version\": " + std::to_string(models::kFeatureSchemaVersion) + ",\n";
        // When it was trained: the engine treats a model older than [models] max_age_hours as stale.
        m += "  \"trained_at_us\": " +
             std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count()) + ",\n";
        m += "  \"rows_read\": " + std::to_string(d.read) + ", \"rows_unparseable\": " + std::to_string(d.skipped) +
             ",\n  \"train_rows\": " + std::to_string(n_train) + ", \"validation_rows\": " + std::to_string(n_valid) +
             ",\n  \"validation_from_ts_us\": " + std::to_string(d.ts_us[n_train]) + ",\n";
        m += "  \"train_mean_label\": " +
             number(std::accumulate(y, y + n_train, 0.0) / static_cast<double>(n_train)) +
             ", \"validation_mean_label\": " +
             number(std::accumulate(labels.begin(), labels.end(), 0.0) / static_cast<double>(n_valid)) + ",\n";
        m += "  \"auc\": " + number(auc) + ", \"log_loss\": " + number(loss) + ", \"rmse\": " + number(err) + ",\n";
        m += "  \"params\": {\"rounds\": " + std::to_string(rounds) + ", \"max_depth\": " + std::to_string(depth) +
             ", \"eta\": " + number(eta) +
             ", \"min_child_weight\": " + number(min_child_weight) +
             ", \"utc_offset_minutes\": " + std::to_string(utc_offset) + "},\n";
        m += "  \"calibration\": [";
        for (std::size_t i = 0; i < calibration.size(); ++i) {
            const models::CalibrationBucket& b = calibration[i];
            m += i == 0 ? "\n    " : ",\n    ";
            m += "{\"lower\": " + number(b.lower) + ", \"upper\": " + number(b.upper) +
                 ", \"count\": " + std::to_string(b.count) + ", \"mean_predicted\": " + number(b.mean_predicted) +
                 ", \"mean_observed\": " + number(b.mean_observed) + "}";
        }
        m += "\n  ]\n}\n";
        write_file(out_dir / "metrics.json", m);

        std::printf("trained %s model: %zu train rows, %zu validation rows (latest %.0f%% by ts)\n", target_name(target),
                    n_train, n_valid, validation * 100);
        if (target == Target::value)
            std::printf("validation RMSE %.4f\n", err);
        else
            std::printf("validation AUC %.4f, log loss %.5f\n", auc, loss);
        if (d.skipped > 0) std::printf("skipped %zu rows whose request did not parse\n", d.skipped);
        if (d.out_of_order > 0)
            std::printf("warning: %zu rows out of time order: history features assume a time-ordered log\n",
                        d.out_of_order);
        std::printf("wrote %s/{model.json,schema.json,metrics.json} (feature schema version %u)\n",
                    out_dir.string().c_str(), models::kFeatureSchemaVersion);
    } catch (const TrainError& e) {
        std::fprintf(stderr, "bidline train: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace bidline
