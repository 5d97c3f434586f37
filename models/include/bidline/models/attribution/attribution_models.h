// Multi-touch attribution: how much of the conversions (and their value)
// each channel earned, under the usual rules — first touch, last touch,
// linear, time decay, position-based (40/20/40) — under the Markov-chain
// removal effect (orders 1–3, computed exactly by solving the absorbing
// chain, with or without null paths), and under Shapley values (the
// simplified form of Zhao et al. 2018, exact, and its ordered form, which
// also splits each channel's credit by the position it held in the path).
// Pure functions over aggregated paths; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bidline/models/attribution/conversion_path.h"

namespace bidline::attribution {

struct ChannelCredit {
    std::string channel;
    double conversions = 0;
    double value = 0;
    // Ordered Shapley only: credit by position of the channel's first touch (0 = first).
    std::vector<double> by_position;
    // Markov only: 1 − P(conversion without the channel) ÷ P(conversion).
    double removal_effect = 0;
};

struct Attribution {
    std::string model;                   // e.g. "markov_2_nulls"
    std::vector<ChannelCredit> channels;  // sorted by channel name; every channel seen in the paths
    double conversion_probability = 0;    // Markov only: P(conversion) from the start state
};

enum class HeuristicRule { first_touch, last_touch, linear, time_decay, position_based };
std::string_view rule_name(HeuristicRule r);

struct HeuristicOptions {
    // Time decay: a touch's weight halves every `half_life`, in the paths'
    // ages (seconds) when known, else in touches before the conversion.
    double half_life = 1.0;
    double first_share = 0.4;  // position-based
    double last_share = 0.4;
};

Attribution heuristic_attribution(const std::vector<ConversionPath>& paths, HeuristicRule rule,
                                  const HeuristicOptions& options = {});

enum class NullPaths { include, exclude };
// Throws std::invalid_argument unless 1 <= order <= 3.
Attribution markov_attribution(const std::vector<ConversionPath>& paths, int order, NullPaths nulls);

Attribution shapley_attribution(const std::vector<ConversionPath>& paths);
Attribution ordered_shapley_attribution(const std::vector<ConversionPath>& paths);

// The channel names that occur in `paths`, sorted.
std::vector<std::string> channels_of(const std::vector<ConversionPath>& paths);

}  // namespace bidline::attribution
