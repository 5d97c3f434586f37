#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "bidline/models/attribution/attribution_models.h"

namespace bidline::attribution {

std::vector<std::string> channels_of(const std::vector<ConversionPath>& paths) {
    std::set<std::string> names;
    for (const auto& p : paths) names.insert(p.touchpoints.begin(), p.touchpoints.end());
    return {names.begin(), names.end()};
}

std::string_view rule_name(HeuristicRule r) {
    switch (r) {
        case HeuristicRule::first_touch: return "first_touch";
        case HeuristicRule::last_touch: return "last_touch";
        case HeuristicRule::linear: return "linear";
        case HeuristicRule::time_decay: return "time_decay";
        case HeuristicRule::position_based: return "position_based";
    }
    return "?";
}

namespace {

// Share of the path's conversion earned by each touch (sums to 1).
std::vector<double> touch_weights(const ConversionPath& p, HeuristicRule rule, const HeuristicOptions& o) {
    const std::size_t n = p.touchpoints.size();
    std::vector<double> w(n, 0.0);
    switch (rule) {
        case HeuristicRule::first_touch: w.front() = 1; break;
        case HeuristicRule::last_touch: w.back() = 1; break;
        case HeuristicRule::linear: std::fill(w.begin(), w.end(), 1.0 / static_cast<double>(n)); break;
        case HeuristicRule::time_decay: {
            double sum = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double age = p.ages.size() == n ? p.ages[i] : static_cast<double>(n - 1 - i);
                sum += w[i] = std::exp2(-age / o.half_life);
            }
            for (double& x : w) x /= sum;
            break;
        }
        case HeuristicRule::position_based:
            if (n == 1) {
                w[0] = 1;
            } else if (n == 2) {
                w[0] = w[1] = 0.5;  // no middle: first and last split evenly
            } else {
                w.front() = o.first_share;
                w.back() = o.last_share;
                for (std::size_t i = 1; i + 1 < n; ++i) w[i] = (1 - o.first_share - o.last_share) / static_cast<double>(n - 2);
            }
            break;
    }
    return w;
}

}  // namespace

Attribution heuristic_attribution(const std::vector<ConversionPath>& paths, HeuristicRule rule, const HeuristicOptions& o) {
    std::map<std::string, ChannelCredit> credit;
    for (const auto& name : channels_of(paths)) credit[name].channel = name;
    for (const auto& p : paths) {
        if (p.conversions <= 0 && p.value <= 0) continue;
        const auto w = touch_weights(p, rule, o);
        for (std::size_t i = 0; i < w.size(); ++i) {
            auto& c = credit[p.touchpoints[i]];
            c.conversions += w[i] * p.conversions;
            c.value += w[i] * p.value;
        }
    }
    Attribution out{std::string(rule_name(rule)), {}, 0};
    for (auto& [k, v] : credit) out.channels.push_back(std::move(v));
    return out;
}

}  // namespace bidline::attribution
