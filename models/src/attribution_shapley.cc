#include <algorithm>
#include <map>

#include "bidline/models/attribution/attribution_models.h"

namespace bidline::attribution {
namespace {

// The distinct channels of a path in order of first touch.
std::vector<std::string> first_touch_order(const ConversionPath& p) {
    std::vector<std::string> out;
    for (const auto& t : p.touchpoints)
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    return out;
}

// With v(S) = conversions of paths whose channel set lies within S, the game
// is a sum of unanimity games, one per observed channel set; the Shapley value
// of a unanimity game splits its worth equally among its members (Zhao et al.
// 2018). So each converting path's conversions go equally to its distinct
// channels — exact, with no enumeration of coalitions. The ordered form keeps
// each share under the position the channel first appeared at.
Attribution shapley(const std::vector<ConversionPath>& paths, bool ordered) {
    std::map<std::string, ChannelCredit> credit;
    std::size_t longest = 0;
    for (const auto& name : channels_of(paths)) credit[name].channel = name;
    for (const auto& p : paths) longest = std::max(longest, first_touch_order(p).size());
    for (auto& [name, c] : credit)
        if (ordered) c.by_position.assign(longest, 0.0);
    for (const auto& p : paths) {
        if (p.conversions <= 0 && p.value <= 0) continue;
        const auto members = first_touch_order(p);
        const double n = static_cast<double>(members.size());
        for (std::size_t i = 0; i < members.size(); ++i) {
            auto& c = credit[members[i]];
            c.conversions += p.conversions / n;
            c.value += p.value / n;
            if (ordered) c.by_position[i] += p.conversions / n;
        }
    }
    Attribution out{ordered ? "shapley_ordered" : "shapley", {}, 0};
    for (auto& [k, v] : credit) out.channels.push_back(std::move(v));
    return out;
}

}  // namespace

Attribution shapley_attribution(const std::vector<ConversionPath>& paths) { return shapley(paths, false); }
Attribution ordered_shapley_attribution(const std::vector<ConversionPath>& paths) { return shapley(paths, true); }

}  // namespace bidline::attribution
