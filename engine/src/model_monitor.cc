#include "bidline/engine/model_monitor.h"

#include <cmath>

#include "bidline/engine/engine_state.h"
#include "bidline/engine/json_writer.h"

namespace bidline {

namespace {

// Upper bound of a log2 latency bucket's range, in µs.
double percentile_us(const std::array<std::uint64_t, LatencyHistogram::kBuckets>& h, double q) {
    std::uint64_t total = 0;
    for (std::uint64_t c : h) total += c;
    if (total == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < h.size(); ++b) {
        seen += h[b];
        if (seen >= rank) return std::ldexp(1.0, static_cast<int>(b) + 1) / 1000.0;
    }
    return std::ldexp(1.0, LatencyHistogram::kBuckets) / 1000.0;
}

}  // namespace

std::uint32_t ModelMonitor::click_version(bool candidate) const {
    if (!set_) return 0;
    const RoleModels& m = set_->role(ModelRole::click);
    return candidate ? m.candidate.version : m.active.version;
}

void ModelMonitor::tick(const EngineState& state) {
    set_ = state.models.load();
    if (!set_) return;
    std::array<std::array<std::array<std::uint64_t, 3>, 2>, kModelRoles> now{};
    std::uint64_t stale = 0, unscored = 0, batches = 0;
    std::array<std::uint64_t, LatencyHistogram::kBuckets> latency{};
    for (const auto& shard : state.shards) {
        const ModelCounters& m = shard->models;
        for (std::size_t r = 0; r < kModelRoles; ++r)
            for (std::size_t s = 0; s < 2; ++s) {
                now[r][s][0] += read(m.slots[r][s].rows);
                now[r][s][1] += read(m.slots[r][s].prediction_micros);
                now[r][s][2] += read(m.slots[r][s].bids);
            }
        stale += read(m.stale);
        unscored += read(m.unscored);
        batches += read(m.batches);
        for (int b = 0; b < LatencyHistogram::kBuckets; ++b) latency[b] += read(m.latency.buckets[b]);
    }
    for (std::size_t r = 0; r < kModelRoles; ++r) {
        const RoleModels& m = set_->roles[r];
        for (std::size_t s = 0; s < 2; ++s) {
            const std::uint32_t version = s == 0 ? m.active.version : m.candidate.version;
            const auto& n = now[r][s];
            auto& l = last_[r][s];
            if (version != 0 && (n[0] != l[0] || n[2] != l[2])) {
                VersionStats& v = stats(static_cast<ModelRole>(r), version);
                v.rows += n[0] - l[0];
                v.prediction_sum += static_cast<double>(n[1] - l[1]) / 1e6;
                v.bids += n[2] - l[2];
            }
            l = n;
        }
    }
    stale_ = stale;
    unscored_ = unscored;
    batches_ = batches;
    latency_ = latency;

    // Drift: the active click model's reference against the shards' bins
    // (only shards whose bins refer to this model set's reference).
    drift_.clear();
    drift_rows_ = 0;
    const ServedModel& click = set_->role(ModelRole::click).active;
    if (!click.reference) return;
    const models::DriftReference& ref = *click.reference;
    std::array<std::array<std::uint64_t, kDriftBins>, kDriftRows> bins{};
    for (const auto& shard : state.shards) {
        const ModelCounters& m = shard->models;
        if (read(m.drift_generation) != set_->generation) continue;
        drift_rows_ += read(m.drift_rows);
        for (std::size_t f = 0; f < kDriftRows; ++f)
            for (std::size_t b = 0; b < kDriftBins; ++b) bins[f][b] += read(m.drift[f][b]);
    }
    if (drift_rows_ == 0) return;
    auto compare = [&](const std::string& name, const models::BinnedDistribution& d, const auto& live_bins) {
        std::array<std::uint64_t, kDriftBins> live{};
        for (std::size_t b = 0; b < d.bins(); ++b) live[b] = live_bins[b];
        live[d.bins()] = live_bins[kDriftBins - 1];  // missing
        const std::span<const std::uint64_t> s(live.data(), d.bins() + 1);
        drift_.push_back({name, models::population_stability_index(d, s), models::kolmogorov_smirnov(d, s)});
    };
    for (std::size_t f = 0; f < ref.inputs.size() && f < models::kFeatureCount; ++f) compare(ref.features[f], ref.inputs[f], bins[f]);
    compare("score", ref.score, bins[models::kFeatureCount]);
}

void ModelMonitor::on_win(std::uint8_t score) {
    const std::uint8_t bucket = score & ~kScoredByCandidate;
    if (bucket == 0 || bucket >= kScoreBuckets) return;
    if (const std::uint32_t v = click_version(score & kScoredByCandidate)) ++stats(ModelRole::click, v).wins[bucket];
}

void ModelMonitor::on_click(std::uint8_t score) {
    const std::uint8_t bucket = score & ~kScoredByCandidate;
    if (bucket == 0 || bucket >= kScoreBuckets) return;
    if (const std::uint32_t v = click_version(score & kScoredByCandidate)) ++stats(ModelRole::click, v).clicks[bucket];
}

bool ModelMonitor::retrain_flagged() const {
    for (const DriftRow& d : drift_)
        if (d.psi > models::kPsiRetrain) return true;
    return false;
}

void ModelMonitor::write_json(JsonWriter& j) const {
    j.key("models").begin_object();
    j.field("candidates_stale", stale_).field("candidates_unscored", unscored_);
    j.key("latency_us").begin_object()
        .field("batches", batches_)
        .field("p50", percentile_us(latency_, 0.50))
        .field("p99", percentile_us(latency_, 0.99))
        .end_object();
    j.key("versions").begin_array();
    for (const auto& [key, v] : versions_) {
        const auto& [role, version] = key;
        const RoleModels* m = set_ ? &set_->role(role) : nullptr;
        const char* state = m && m->active.version == version ? "active"
                            : m && m->candidate.version == version ? (m->mode == CandidateMode::ab ? "ab" : "shadow")
                                                                   : "retired";
        std::uint64_t wins = 0, clicks = 0;
        double predicted = 0;
        for (std::uint8_t b = 1; b < kScoreBuckets; ++b) {
            wins += v.wins[b];
            clicks += v.clicks[b];
            predicted += static_cast<double>(v.wins[b]) * score_bucket_mid(b);
        }
        j.begin_object()
            .field("role", to_string(role))
            .field("version", version)
            .field("state", state)
            .field("rows", v.rows)
            .field("mean_prediction", v.rows ? v.prediction_sum / static_cast<double>(v.rows) : 0.0)
            .field("bids", v.bids);
        if (role == ModelRole::click) {
            j.field("impressions", wins).field("clicks", clicks);
            j.field("predicted_ctr", wins ? predicted / static_cast<double>(wins) : 0.0);
            j.field("observed_ctr", wins ? static_cast<double>(clicks) / static_cast<double>(wins) : 0.0);
            j.key("calibration").begin_array();
            for (std::uint8_t b = 1; b < kScoreBuckets; ++b) {
                if (v.wins[b] == 0) continue;
                j.begin_object()
                    .field("predicted", score_bucket_mid(b))
                    .field("impressions", v.wins[b])
                    .field("clicks", v.clicks[b])
                    .field("observed", static_cast<double>(v.clicks[b]) / static_cast<double>(v.wins[b]))
                    .end_object();
            }
            j.end_array();
        }
        j.end_object();
    }
    j.end_array();
    j.key("drift").begin_object().field("rows", drift_rows_).field("psi_retrain_threshold", models::kPsiRetrain)
        .field("retrain", retrain_flagged());
    j.key("features").begin_array();
    for (const DriftRow& d : drift_) {
        j.begin_object().field("name", d.name);
        std::isnan(d.psi) ? j.key("psi").null() : j.field("psi", d.psi);
        std::isnan(d.ks) ? j.key("ks").null() : j.field("ks", d.ks);
        j.end_object();
    }
    j.end_array().end_object();
    j.end_object();
}

void ModelMonitor::write_prometheus(std::string& out) const {
    auto line = [&](const std::string& name_labels, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " %.9g\n", v);
        out += name_labels;
        out += buf;
    };
    out += "# HELP bidline_model_version Model versions in use (1 = active, 2 = A/B candidate, 3 = shadow).\n";
    out += "# TYPE bidline_model_version gauge\n";
    if (set_)
        for (std::size_t r = 0; r < kModelRoles; ++r) {
            const RoleModels& m = set_->roles[r];
            const std::string role(to_string(static_cast<ModelRole>(r)));
            if (m.active) line("bidline_model_version{role=\"" + role + "\",version=\"" + std::to_string(m.active.version) + "\"}", 1);
            if (m.candidate)
                line("bidline_model_version{role=\"" + role + "\",version=\"" + std::to_string(m.candidate.version) + "\"}",
                     m.mode == CandidateMode::ab ? 2 : 3);
        }
    out += "# HELP bidline_model_rows_total Feature rows scored, per model version.\n# TYPE bidline_model_rows_total counter\n";
    for (const auto& [key, v] : versions_)
        line("bidline_model_rows_total{role=\"" + std::string(to_string(key.first)) + "\",version=\"" + std::to_string(key.second) + "\"}",
             static_cast<double>(v.rows));
    out += "# HELP bidline_model_candidates_fallback_total Candidates bid conservatively: no fresh model.\n";
    out += "# TYPE bidline_model_candidates_fallback_total counter\n";
    line("bidline_model_candidates_fallback_total{reason=\"stale\"}", static_cast<double>(stale_));
    line("bidline_model_candidates_fallback_total{reason=\"no_model\"}", static_cast<double>(unscored_));
    out += "# HELP bidline_model_latency_us Scoring latency per batch (upper bucket bound).\n# TYPE bidline_model_latency_us gauge\n";
    line("bidline_model_latency_us{quantile=\"0.5\"}", percentile_us(latency_, 0.5));
    line("bidline_model_latency_us{quantile=\"0.99\"}", percentile_us(latency_, 0.99));
    out += "# HELP bidline_model_drift_psi Population stability index of the active click model's inputs and score.\n";
    out += "# TYPE bidline_model_drift_psi gauge\n";
    for (const DriftRow& d : drift_)
        if (!std::isnan(d.psi)) line("bidline_model_drift_psi{feature=\"" + d.name + "\"}", d.psi);
    out += "# HELP bidline_model_drift_ks Kolmogorov-Smirnov distance of the same.\n# TYPE bidline_model_drift_ks gauge\n";
    for (const DriftRow& d : drift_)
        if (!std::isnan(d.ks)) line("bidline_model_drift_ks{feature=\"" + d.name + "\"}", d.ks);
}

}  // namespace bidline
