#include "bidline/engine/candidate_scorer.h"

#include <chrono>
#include <cmath>
#include <cstring>

#include "bidline/config/stable_hash.h"
#include "bidline/engine/feature_context_from_request.h"
#include "bidline/engine/online_learning.h"
#include "bidline/engine/site_stats.h"

namespace bidline {

namespace {

constexpr std::size_t kWidth = models::kFeatureCount;
// One request in this many feeds the drift histograms: binning every
// feature of every row would cost more than scoring it.
constexpr std::uint64_t kDriftSampleEvery = 16;

constexpr bool needs(BidStrategy s, ModelRole r) {
    switch (r) {
        case ModelRole::click: return s != BidStrategy::manual_cpm;
        case ModelRole::conversion:
            return s == BidStrategy::target_cpa || s == BidStrategy::max_conversions || s == BidStrategy::target_roas;
        case ModelRole::value: return s == BidStrategy::target_roas;
    }
    return false;
}

// How many roles a strategy's bid needs. The needs nest (value ⊂
// conversion ⊂ click), so the candidates needing role r are exactly those
// needing more than r roles: in rows sorted by this count, every role
// scores a prefix.
constexpr std::size_t roles_needed(BidStrategy s) {
    std::size_t n = 0;
    while (n < kModelRoles && needs(s, static_cast<ModelRole>(n))) ++n;
    return n;
}

constexpr bool needs_nest() {
    for (auto code = static_cast<int>(BidStrategy::manual_cpm); code <= static_cast<int>(BidStrategy::max_conversions);
         ++code) {
        const auto s = static_cast<BidStrategy>(code);
        for (std::size_t r = 0; r < kModelRoles; ++r)
            if (needs(s, static_cast<ModelRole>(r)) != (r < roles_needed(s))) return false;
    }
    return true;
}
static_assert(needs_nest(), "each role's candidates must be a prefix of the need-ordered rows");

std::size_t slot(ModelRole r, bool candidate) { return static_cast<std::size_t>(r) * 2 + (candidate ? 1 : 0); }

}  // namespace

void CandidateScorer::use(std::shared_ptr<const ModelSet> set) {
    set_ = std::move(set);
    for (std::size_t r = 0; r < kModelRoles; ++r) {
        const RoleModels& m = set_->roles[r];
        scratch_[r * 2] = m.active ? m.active.scorer->make_scratch(kBatch) : models::ScoringScratch{};
        scratch_[r * 2 + 1] = m.candidate ? m.candidate.scorer->make_scratch(kBatch) : models::ScoringScratch{};
    }
}

void CandidateScorer::assign(std::string_view unit) {
    ab_ = {};
    shadow_ = {};
    if (!set_) return;
    for (std::size_t r = 0; r < kModelRoles; ++r) {
        const RoleModels& m = set_->roles[r];
        if (m.mode == CandidateMode::none || !m.candidate) continue;
        // The same unit lands in the same arm on every shard and restart.
        const bool in = fnv1a_continue(m.experiment_salt, unit) % 1000 < m.share_permille;
        (m.mode == CandidateMode::ab ? ab_ : shadow_)[r] = in;
    }
}

void CandidateScorer::begin_imp(const BidRequestView& request, std::size_t imp, std::int64_t now_us, double recency) {
    now_us_ = now_us;
    context_ = feature_context_from_request(request, imp, now_us, 0);
    context_.seconds_since_last_seen = recency;
    site_ = site_key(site_of(request));
    models::FeatureBuilder::build_request_slots(context_, std::span<float, kWidth>(rows_.data(), kWidth));
}

const ServedModel* CandidateScorer::pick(ModelRole r, bool& by_candidate) const {
    const RoleModels& m = set_->role(r);
    by_candidate = ab_[static_cast<std::size_t>(r)];
    if (by_candidate) return &m.candidate;  // the candidate was loaded when the A/B split was set
    return set_->fresh(r, now_us_) ? &m.active : nullptr;
}

void CandidateScorer::score(std::span<const ScoringCandidate> candidates, const Catalog& catalog,
                            const ControlState& control, std::span<ScoredCandidate> out) {
    const std::size_t n = candidates.size();
    used_ = {};
    shadowed_ = {};
    // Rows in need order: candidates needing more roles first (a counting sort).
    std::array<std::uint8_t, kBatch> needed;
    std::array<std::size_t, kModelRoles + 1> next{};  // first free row per count, filled below
    for (std::size_t i = 0; i < n; ++i) {
        needed[i] = static_cast<std::uint8_t>(
            roles_needed(catalog.line_item(LineItemIndex{candidates[i].line_item}).model.bid.strategy));
        ++next[needed[i]];
    }
    std::array<std::size_t, kModelRoles> rows{};  // per role: how many leading rows it scores
    for (std::size_t k = kModelRoles + 1, first = 0; k-- > 0;) {
        const std::size_t count = next[k];
        next[k] = first;
        first += count;
        for (std::size_t r = 0; r < k; ++r) rows[r] = first;
    }
    if (scored_rows_ == ScoredRows::all)
        for (std::size_t& m : rows) m = m > 0 ? n : 0;
    for (std::size_t i = 0; i < n; ++i) {
        row_at_[i] = static_cast<std::uint8_t>(next[needed[i]]++);
        candidate_of_[row_at_[i]] = static_cast<std::uint8_t>(i);
    }

    for (std::size_t i = 0; i < n; ++i) {
        const ScoringCandidate& c = candidates[i];
        const CompiledLineItem& li = catalog.line_item(LineItemIndex{c.line_item});
        models::FeatureContext ctx = context_;
        ctx.utc_offset_minutes = control.utc_offset_of(c.line_item);
        if (c.w != 0 || c.h != 0) {
            ctx.width = c.w;
            ctx.height = c.h;
        }
        ctx.line_item_id = fnv1a(li.model.id.value);
        ctx.creative_id = c.creative ? fnv1a(c.creative->id.value) : 0;
        if (control.site_stats) ctx.stats = control.site_stats->lookup(c.line_item, site_);
        float* row = rows_.data() + row_at_[i] * kWidth;
        if (row_at_[i] > 0) std::memcpy(row, rows_.data(), kWidth * sizeof(float));  // the request's slots
        models::FeatureBuilder::build_candidate_slots(ctx, std::span<float, kWidth>(row, kWidth));
        ScoredCandidate& s = out[i];
        s = ScoredCandidate{};
        s.shadow.fill(std::nanf(""));
        // Without a conversion model: the line item's smoothed CVR; without
        // a value model: its average conversion value so far.
        s.scores.pcvr = ctx.stats.present ? ctx.stats.prior_cvr : models::kPriorCvr;
        s.scores.value = control.conversion_value_of(c.line_item);
    }
    if (set_ && rows[0] > 0) score_with_trees(rows, out);
    if (control.online) blend_online(*control.online, candidates, catalog, out);
    if (counters_)
        for (std::size_t i = 0; i < n; ++i)
            if (!out[i].scores.present &&
                needs(catalog.line_item(LineItemIndex{candidates[i].line_item}).model.bid.strategy, ModelRole::click))
                bump(set_ && set_->role(ModelRole::click).active ? counters_->stale : counters_->unscored);
}

// The online learners refine (or, where no tree model scores, provide) pCTR
// and pCVR: a logit blend whose FTRL share grows with the rows FTRL has
// learned of the line item (models/ftrl.h, blended_ctr).
void CandidateScorer::blend_online(const OnlineModel& online, std::span<const ScoringCandidate> candidates,
                                   const Catalog& catalog, std::span<ScoredCandidate> out) {
    models::FtrlFeatures f;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::uint32_t li = candidates[i].line_item;
        const BidStrategy strategy = catalog.line_item(LineItemIndex{li}).model.bid.strategy;
        if (!needs(strategy, ModelRole::click)) continue;
        ScoredCandidate& s = out[i];
        models::encode_ftrl_features(row(i), f);
        const float line_item_hash = row(i)[static_cast<std::size_t>(models::Feature::line_item_hash)];
        const double impressions = OnlineModel::learned(online.impressions, line_item_hash);
        if (s.scores.present) {
            s.scores.pctr = models::blended_ctr(online.click_blend, s.scores.pctr, online.click.predict(f.view()), impressions);
            s.online_blended = true;
        } else if (impressions >= online.min_impressions) {
            s.scores.present = true;  // a cold line item: FTRL alone, once it knows it
            s.scores.pctr = online.click.predict(f.view());
            s.bucket = score_bucket(s.scores.pctr);
            s.online_only = true;
        } else {
            continue;
        }
        const double clicks = OnlineModel::learned(online.clicks, line_item_hash);
        if (needs(strategy, ModelRole::conversion) && clicks >= online.min_clicks)
            s.scores.pcvr = models::blended_ctr(online.conversion_blend, s.scores.pcvr, online.conversion.predict(f.view()), clicks);
        if (counters_) bump(counters_->online_rows);
    }
}

void CandidateScorer::score_with_trees(const std::array<std::size_t, kModelRoles>& rows,
                                       std::span<ScoredCandidate> out) {
    const auto started = counters_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    for (std::size_t r = 0; r < kModelRoles; ++r) {
        const std::size_t n = rows[r];
        if (n == 0) continue;
        const auto role = static_cast<ModelRole>(r);
        bool by_candidate = false;
        const ServedModel* m = pick(role, by_candidate);
        if (m == nullptr || !*m) continue;  // unscored: counted once FTRL has had its say
        m->scorer->predict_batch(rows_.data(), n, kWidth, out_.data(), scratch_[slot(role, by_candidate)]);
        used_[r] = m->version;
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double p = out_[i];
            sum += p;
            ScoredCandidate& s = out[candidate_of_[i]];
            switch (role) {
                case ModelRole::click:
                    s.scores.present = true;
                    s.scores.pctr = p;
                    s.bucket = score_bucket(p);
                    s.by_candidate = by_candidate;
                    break;
                case ModelRole::conversion: s.scores.pcvr = p; break;
                case ModelRole::value: s.scores.value = p; break;
            }
        }
        if (counters_) {
            ModelSlotCounters& k = counters_->slots[r][by_candidate ? 1 : 0];
            bump(k.rows, n);
            bump(k.prediction_micros, static_cast<std::uint64_t>(std::llround(sum * 1e6)));
        }
        if (role == ModelRole::click && !by_candidate && m->reference && counters_ && ++drift_tick_ % kDriftSampleEvery == 0)
            count_drift(*m, out_[0]);
        const RoleModels& rm = set_->roles[r];
        if (shadow_[r] && rm.candidate) {
            rm.candidate.scorer->predict_batch(rows_.data(), n, kWidth, out_.data(), scratch_[slot(role, true)]);
            shadowed_[r] = rm.candidate.version;
            double shadow_sum = 0;
            for (std::size_t i = 0; i < n; ++i) {
                out[candidate_of_[i]].shadow[r] = out_[i];
                shadow_sum += out_[i];
            }
            if (counters_) {
                ModelSlotCounters& k = counters_->slots[r][1];
                bump(k.rows, n);
                bump(k.prediction_micros, static_cast<std::uint64_t>(std::llround(shadow_sum * 1e6)));
            }
        }
    }
    if (counters_) {
        counters_->latency.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count()));
        bump(counters_->batches);
    }
}

void CandidateScorer::count_drift(const ServedModel& click, float score) {
    const models::DriftReference& ref = *click.reference;
    if (read(counters_->drift_generation) != set_->generation) {
        // New reference bins: start the live histograms over.
        for (auto& row : counters_->drift)
            for (Counter& c : row) c.store(0, std::memory_order_relaxed);
        counters_->drift_rows.store(0, std::memory_order_relaxed);
        counters_->drift_generation.store(set_->generation, std::memory_order_relaxed);
    }
    const std::size_t features = std::min(ref.inputs.size(), kWidth);
    for (std::size_t f = 0; f < features; ++f) {
        const models::BinnedDistribution& d = ref.inputs[f];
        const std::size_t b = d.bin_of(rows_[f]);
        bump(counters_->drift[f][b < d.bins() ? b : kDriftBins - 1]);
    }
    const std::size_t b = ref.score.bin_of(score);
    bump(counters_->drift[kWidth][b < ref.score.bins() ? b : kDriftBins - 1]);
    bump(counters_->drift_rows);
}

}  // namespace bidline
