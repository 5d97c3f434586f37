// CreativeBandit (control thread: counts, fatigue states) and the
// snapshot's choose() (bid path).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "bidline/models/creative_bandit.h"
#include "bidline/models/experiments/proportion_test.h"

namespace bidline::models {
namespace {

std::string percent(double rate) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g%%", 100.0 * rate);
    return buf;
}

std::string fatigue_reason(const CreativeStatus& s, double ratio, const char* verdict) {
    const double recent = s.recent_clicks / s.recent_impressions;
    const double history = s.history_clicks / s.history_impressions;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: recent CTR %s vs history %s (ratio %.2f, z = %.1f, %.0f vs %.0f impressions)",
                  verdict, percent(recent).c_str(), percent(history).c_str(), ratio, s.z, s.recent_impressions,
                  s.history_impressions);
    return buf;
}

}  // namespace

const char* to_string(CreativeState state) noexcept {
    switch (state) {
        case CreativeState::ok:
            return "ok";
        case CreativeState::fatigued:
            return "fatigued";
        case CreativeState::retired:
            return "retired";
    }
    return "?";
}

// ---- Snapshot (bid path) ------------------------------------------------

CreativeBanditSnapshot::CreativeBanditSnapshot(std::vector<Arm> arms) : arms_(std::move(arms)) {
    all_retired_ = !arms_.empty() && std::all_of(arms_.begin(), arms_.end(),
                                                 [](const Arm& a) { return a.state == CreativeState::retired; });
}

std::optional<std::uint32_t> CreativeBanditSnapshot::choose(std::span<const std::uint32_t> eligible,
                                                            Xorshift64Star& rng) const noexcept {
    bool any_live = false;
    for (const std::uint32_t i : eligible)
        if (i < arms_.size() && arms_[i].state != CreativeState::retired) {
            any_live = true;
            break;
        }
    std::optional<std::uint32_t> best;
    double best_score = -std::numeric_limits<double>::infinity();
    for (const std::uint32_t i : eligible) {
        if (i >= arms_.size()) continue;
        const Arm& arm = arms_[i];
        if (any_live && arm.state == CreativeState::retired) continue;
        const double weight = arm.state == CreativeState::retired ? 1.0 : arm.weight;  // all retired: plain sampling
        const double score = weight * sample_beta(arm.a, arm.b, rng);
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

// ---- Control side -------------------------------------------------------

CreativeBandit::CreativeBandit(std::size_t creatives, const CreativeBanditConfig& config) : config_(config) {
    if (!(config_.prior_impressions > 0) || !(config_.default_prior_ctr > 0 && config_.default_prior_ctr < 1))
        throw std::invalid_argument("creative bandit: prior_impressions must be > 0 and default_prior_ctr in (0, 1)");
    if (config_.bucket.count() <= 0 || config_.recent_buckets == 0 || config_.history_buckets == 0)
        throw std::invalid_argument("creative bandit: bucket, recent_buckets and history_buckets must be > 0");
    if (!(config_.alpha > 0 && config_.alpha < 0.5))
        throw std::invalid_argument("creative bandit: alpha must be in (0, 0.5)");
    if (!(config_.fatigue_ratio > 0 && config_.fatigue_ratio <= 1) ||
        !(config_.fatigued_weight > 0 && config_.fatigued_weight <= 1))
        throw std::invalid_argument("creative bandit: fatigue_ratio and fatigued_weight must be in (0, 1]");
    z_critical_ = -experiments::normal_quantile(config_.alpha);
    for (std::size_t i = 0; i < creatives; ++i) add_creative();
}

std::uint32_t CreativeBandit::add_creative() {
    Creative c;
    c.ring.resize(config_.recent_buckets + config_.history_buckets + 1);
    creatives_.push_back(std::move(c));
    return static_cast<std::uint32_t>(creatives_.size() - 1);
}

std::int64_t CreativeBandit::bucket_of(BanditTime t) const noexcept {
    const std::int64_t us = t.time_since_epoch().count();
    const std::int64_t width = config_.bucket.count();
    return us / width - ((us % width != 0) && (us < 0));  // floor division
}

void CreativeBandit::record(std::uint32_t creative, double impressions, double clicks, BanditTime when) {
    Creative& c = creatives_.at(creative);
    impressions = std::max(impressions, 0.0);
    clicks = std::max(clicks, 0.0);
    c.status.impressions += impressions;
    c.status.clicks += clicks;
    const std::int64_t b = bucket_of(when);
    Bucket& slot = c.ring[static_cast<std::size_t>(
        ((b % static_cast<std::int64_t>(c.ring.size())) + static_cast<std::int64_t>(c.ring.size())) %
        static_cast<std::int64_t>(c.ring.size()))];
    if (slot.index > b) return;  // older than the window: totals only
    if (slot.index < b) slot = Bucket{b, 0, 0};
    slot.impressions += impressions;
    slot.clicks += clicks;
}

void CreativeBandit::evaluate(BanditTime now) {
    const std::int64_t current = bucket_of(now);
    for (Creative& c : creatives_) evaluate_one(c, current);
}

void CreativeBandit::evaluate_one(Creative& c, std::int64_t current) {
    CreativeStatus& s = c.status;
    if (s.state == CreativeState::retired) return;
    const auto recent_n = static_cast<std::int64_t>(config_.recent_buckets);
    const auto history_n = static_cast<std::int64_t>(config_.history_buckets);
    const auto ring = static_cast<std::int64_t>(c.ring.size());
    s.recent_impressions = s.recent_clicks = s.history_impressions = s.history_clicks = 0;
    for (std::int64_t j = current - recent_n - history_n; j < current; ++j) {
        const Bucket& bucket = c.ring[static_cast<std::size_t>(((j % ring) + ring) % ring)];
        if (bucket.index != j) continue;
        const bool recent = j >= current - recent_n;
        (recent ? s.recent_impressions : s.history_impressions) += bucket.impressions;
        (recent ? s.recent_clicks : s.history_clicks) += bucket.clicks;
    }

    const bool enough = s.recent_impressions >= config_.min_recent_impressions &&
                        s.history_impressions >= config_.min_history_impressions && s.history_clicks > 0;
    bool declined = false;
    double ratio = 1;
    s.z = 0;
    if (enough) {
        const double p_recent = s.recent_clicks / s.recent_impressions;
        const double p_history = s.history_clicks / s.history_impressions;
        const double pooled = (s.recent_clicks + s.history_clicks) / (s.recent_impressions + s.history_impressions);
        const double se = std::sqrt(pooled * (1 - pooled) * (1 / s.recent_impressions + 1 / s.history_impressions));
        s.z = se > 0 ? (p_recent - p_history) / se : 0;
        ratio = p_recent / p_history;
        declined = s.z <= -z_critical_ && ratio <= config_.fatigue_ratio;
    }

    if (s.state == CreativeState::ok) {
        if (declined) {
            s.state = CreativeState::fatigued;
            c.fatigued_since = current;
            s.reason = fatigue_reason(s, ratio, "fatigued");
        } else {
            s.reason = enough ? fatigue_reason(s, ratio, "ok") : "ok: not enough impressions to test";
        }
        return;
    }
    // fatigued
    if (enough && !declined) {
        s.state = CreativeState::ok;
        s.reason = fatigue_reason(s, ratio, "recovered");
    } else if (current - c.fatigued_since >= static_cast<std::int64_t>(config_.retire_after_buckets)) {
        s.state = CreativeState::retired;
        char buf[64];
        std::snprintf(buf, sizeof buf, "retired after %lld buckets fatigued; ",
                      static_cast<long long>(current - c.fatigued_since));
        s.reason = buf + (enough ? fatigue_reason(s, ratio, "last test")
                                 : std::string("too few recent impressions to show recovery"));
    } else if (enough) {
        s.reason = fatigue_reason(s, ratio, "fatigued");
    }
}

void CreativeBandit::reinstate(std::uint32_t creative) {
    Creative& c = creatives_.at(creative);
    std::fill(c.ring.begin(), c.ring.end(), Bucket{});
    c.status.state = CreativeState::ok;
    c.status.reason = "reinstated by hand";
}

CreativeBanditSnapshot CreativeBandit::snapshot() const {
    double impressions = 0, clicks = 0;
    for (const Creative& c : creatives_) {
        impressions += c.status.impressions;
        clicks += std::min(c.status.clicks, c.status.impressions);
    }
    // Prior mean: the line item's pooled CTR, itself smoothed toward the default.
    const double s = config_.prior_impressions;
    const double mean = (clicks + config_.default_prior_ctr * s) / (impressions + s);
    std::vector<CreativeBanditSnapshot::Arm> arms;
    arms.reserve(creatives_.size());
    for (const Creative& c : creatives_) {
        const double k = std::min(c.status.clicks, c.status.impressions);  // late clicks may run ahead
        CreativeBanditSnapshot::Arm arm;
        arm.a = mean * s + k;
        arm.b = (1 - mean) * s + (c.status.impressions - k);
        arm.state = c.status.state;
        arm.weight = c.status.state == CreativeState::ok         ? 1.0
                     : c.status.state == CreativeState::fatigued ? config_.fatigued_weight
                                                                 : 0.0;
        arms.push_back(arm);
    }
    return CreativeBanditSnapshot(std::move(arms));
}

}  // namespace bidline::models
