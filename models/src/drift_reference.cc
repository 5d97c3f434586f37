#include "bidline/models/drift_reference.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bidline/models/model_load_error.h"

namespace bidline::models {

namespace {

// Floor for empty bins in PSI: ln(x / 0) would be infinite for one stray row.
constexpr double kShareFloor = 1e-4;

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

simdjson::dom::object object_or_throw(simdjson::dom::element e, const std::string& where, const char* what) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) throw ModelLoadError(where + ": " + what + ": expected an object");
    return o;
}

BinnedDistribution read_distribution(simdjson::dom::element e, const std::string& where) {
    const simdjson::dom::object o = object_or_throw(e, where, "distribution");
    BinnedDistribution d;
    simdjson::dom::array edges, shares;
    if (o["edges"].get_array().get(edges) != simdjson::SUCCESS || o["shares"].get_array().get(shares) != simdjson::SUCCESS ||
        o["missing_share"].get_double().get(d.missing_share) != simdjson::SUCCESS)
        throw ModelLoadError(where + ": a distribution needs edges, shares and missing_share");
    for (simdjson::dom::element x : edges) {
        double v = 0;
        if (x.get_double().get(v) != simdjson::SUCCESS) throw ModelLoadError(where + ": edges: expected numbers");
        d.edges.push_back(static_cast<float>(v));
    }
    for (simdjson::dom::element x : shares) {
        double v = 0;
        if (x.get_double().get(v) != simdjson::SUCCESS) throw ModelLoadError(where + ": shares: expected numbers");
        d.shares.push_back(v);
    }
    if (d.shares.size() != d.edges.size() + 1 || d.edges.size() >= kMaxDriftBins ||
        !std::is_sorted(d.edges.begin(), d.edges.end()))
        throw ModelLoadError(where + ": a distribution needs ascending edges (at most " +
                             std::to_string(kMaxDriftBins - 1) + ") and one more share than edges");
    return d;
}

void write_distribution(std::string& out, const BinnedDistribution& d) {
    out += "{\"edges\": [";
    for (std::size_t i = 0; i < d.edges.size(); ++i) out += (i ? ", " : "") + number(d.edges[i]);
    out += "], \"shares\": [";
    for (std::size_t i = 0; i < d.shares.size(); ++i) out += (i ? ", " : "") + number(d.shares[i]);
    out += "], \"missing_share\": " + number(d.missing_share) + "}";
}

}  // namespace

std::size_t BinnedDistribution::bin_of(float v) const noexcept {
    if (std::isnan(v)) return bins();
    return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
}

BinnedDistribution bin_distribution(std::span<const float> values, std::size_t stride, std::size_t offset,
                                    std::size_t n) {
    std::vector<float> present;
    present.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float v = values[i * stride + offset];
        if (!std::isnan(v)) present.push_back(v);
    }
    BinnedDistribution d;
    d.missing_share = n == 0 ? 0.0 : static_cast<double>(n - present.size()) / static_cast<double>(n);
    std::sort(present.begin(), present.end());
    // Decile edges; a value repeated across deciles (a common category)
    // gives one edge, so its bin holds exactly that value's mass.
    for (std::size_t q = 1; q < kMaxDriftBins && !present.empty(); ++q) {
        const float e = present[std::min(present.size() - 1, q * present.size() / kMaxDriftBins)];
        if (e < present.back() && (d.edges.empty() || e > d.edges.back())) d.edges.push_back(e);
    }
    d.shares.assign(d.edges.size() + 1, 0.0);
    for (float v : present) d.shares[d.bin_of(v)] += 1.0;
    for (double& s : d.shares) s = present.empty() ? 0.0 : s / static_cast<double>(present.size());
    return d;
}

DriftReference build_drift_reference(std::span<const float> rows, std::size_t width,
                                     std::span<const std::string_view> names, std::span<const float> scores) {
    DriftReference ref;
    const std::size_t n = width == 0 ? 0 : rows.size() / width;
    for (std::size_t f = 0; f < width; ++f) {
        ref.features.push_back(f < names.size() ? std::string(names[f]) : "f" + std::to_string(f));
        ref.inputs.push_back(bin_distribution(rows, width, f, n));
    }
    ref.score = bin_distribution(scores, 1, 0, scores.size());
    return ref;
}

std::string drift_reference_json(const DriftReference& ref) {
    std::string out = "{\n  \"inputs\": [";
    for (std::size_t f = 0; f < ref.inputs.size(); ++f) {
        out += f ? ",\n    " : "\n    ";
        out += "{\"feature\": \"" + ref.features[f] + "\", \"distribution\": ";
        write_distribution(out, ref.inputs[f]);
        out += "}";
    }
    out += "\n  ],\n  \"score\": ";
    write_distribution(out, ref.score);
    out += "\n}\n";
    return out;
}

DriftReference read_drift_reference(const std::filesystem::path& path) {
    const std::string where = path.string();
    simdjson::dom::parser parser;
    simdjson::padded_string bytes;
    if (simdjson::padded_string::load(where).get(bytes) != simdjson::SUCCESS) throw ModelLoadError(where + ": cannot read");
    simdjson::dom::element root;
    if (parser.parse(bytes).get(root) != simdjson::SUCCESS) throw ModelLoadError(where + ": not valid JSON");
    const simdjson::dom::object o = object_or_throw(root, where, "document");
    DriftReference ref;
    simdjson::dom::array inputs;
    if (o["inputs"].get_array().get(inputs) != simdjson::SUCCESS) throw ModelLoadError(where + ": inputs missing");
    for (simdjson::dom::element e : inputs) {
        const simdjson::dom::object input = object_or_throw(e, where, "inputs");
        std::string_view name;
        if (input["feature"].get_string().get(name) != simdjson::SUCCESS)
            throw ModelLoadError(where + ": inputs: each needs a feature name");
        simdjson::dom::element dist;
        if (input["distribution"].get(dist) != simdjson::SUCCESS)
            throw ModelLoadError(where + ": inputs: each needs a distribution");
        ref.features.emplace_back(name);
        ref.inputs.push_back(read_distribution(dist, where));
    }
    simdjson::dom::element score;
    if (o["score"].get(score) != simdjson::SUCCESS) throw ModelLoadError(where + ": score missing");
    ref.score = read_distribution(score, where);
    return ref;
}

double population_stability_index(const BinnedDistribution& ref, std::span<const std::uint64_t> live) {
    if (live.size() != ref.bins() + 1) return std::nan("");
    std::uint64_t total = 0;
    for (std::uint64_t c : live) total += c;
    if (total == 0) return std::nan("");
    double psi = 0;
    for (std::size_t b = 0; b <= ref.bins(); ++b) {
        const double r = std::max(kShareFloor, b < ref.bins() ? ref.shares[b] * (1.0 - ref.missing_share) : ref.missing_share);
        const double a = std::max(kShareFloor, static_cast<double>(live[b]) / static_cast<double>(total));
        psi += (a - r) * std::log(a / r);
    }
    return psi;
}

double kolmogorov_smirnov(const BinnedDistribution& ref, std::span<const std::uint64_t> live) {
    if (live.size() != ref.bins() + 1) return std::nan("");
    std::uint64_t present = 0;
    for (std::size_t b = 0; b < ref.bins(); ++b) present += live[b];
    if (present == 0) return std::nan("");
    double cum_ref = 0, cum_live = 0, worst = 0;
    for (std::size_t b = 0; b < ref.bins(); ++b) {
        cum_ref += ref.shares[b];
        cum_live += static_cast<double>(live[b]) / static_cast<double>(present);
        worst = std::max(worst, std::abs(cum_live - cum_ref));
    }
    return worst;
}

std::vector<CalibrationInterval> calibration_intervals(std::span<const CalibrationBucket> buckets) {
    constexpr double z = 1.959963984540054;  // 95%
    std::vector<CalibrationInterval> out;
    for (const CalibrationBucket& b : buckets) {
        CalibrationInterval c{b.lower, b.upper, b.count, b.mean_predicted, b.mean_observed, 0, 1};
        if (b.count > 0) {
            // Wilson score interval: well-behaved at rates near 0, where CTRs live.
            const double n = static_cast<double>(b.count), p = std::clamp(b.mean_observed, 0.0, 1.0);
            const double denom = 1 + z * z / n;
            const double centre = (p + z * z / (2 * n)) / denom;
            const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
            c.low = std::max(0.0, centre - half);
            c.high = std::min(1.0, centre + half);
        }
        out.push_back(c);
    }
    return out;
}

std::vector<CalibrationBucket> read_calibration(const std::filesystem::path& metrics_json) {
    const std::string where = metrics_json.string();
    std::error_code ec;
    if (!std::filesystem::exists(metrics_json, ec)) return {};
    simdjson::dom::parser parser;
    simdjson::padded_string bytes;
    if (simdjson::padded_string::load(where).get(bytes) != simdjson::SUCCESS) throw ModelLoadError(where + ": cannot read");
    simdjson::dom::element root;
    if (parser.parse(bytes).get(root) != simdjson::SUCCESS) throw ModelLoadError(where + ": not valid JSON");
    simdjson::dom::array table;
    if (root["calibration"].get_array().get(table) != simdjson::SUCCESS) return {};
    std::vector<CalibrationBucket> out;
    for (simdjson::dom::element e : table) {
        CalibrationBucket b;
        std::uint64_t count = 0;
        // JSON null (an undefined mean) reads as NaN.
        auto num = [&](const char* key, double& field) {
            if (e[key].get_double().get(field) != simdjson::SUCCESS) {
                std::int64_t i = 0;
                if (e[key].get_int64().get(i) == simdjson::SUCCESS) field = static_cast<double>(i);
                else field = std::nan("");
            }
        };
        num("lower", b.lower);
        num("upper", b.upper);
        num("mean_predicted", b.mean_predicted);
        num("mean_observed", b.mean_observed);
        if (e["count"].get_uint64().get(count) != simdjson::SUCCESS)
            throw ModelLoadError(where + ": calibration: each bucket needs a count");
        b.count = count;
        out.push_back(b);
    }
    return out;
}

const CalibrationInterval* interval_for(std::span<const CalibrationInterval> table, double p) {
    if (table.empty()) return nullptr;
    for (const CalibrationInterval& c : table)
        if (p <= c.upper) return &c;
    return &table.back();
}

}  // namespace bidline::models
