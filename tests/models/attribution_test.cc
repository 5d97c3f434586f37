// Every attribution model against numbers computed by hand on small path sets.
#include <gtest/gtest.h>

#include <sstream>

#include "bidline/models/attribution/attribution_models.h"

namespace bidline::attribution {
namespace {

ConversionPath path(std::vector<std::string> t, double conv, double value, double nulls) {
    return {std::move(t), conv, value, nulls, {}};
}

double credit(const Attribution& a, const std::string& channel) {
    for (const auto& c : a.channels)
        if (c.channel == channel) return c.conversions;
    ADD_FAILURE() << "no channel " << channel;
    return -1;
}

// A > B (1 conversion, value 10), A (1 null), B (1 conversion, value 20, 1 null).
std::vector<ConversionPath> two_channel_paths() {
    return {path({"A", "B"}, 1, 10, 0), path({"A"}, 0, 0, 1), path({"B"}, 1, 20, 1)};
}

TEST(Attribution, HeuristicRules) {
    const std::vector<ConversionPath> paths{path({"A", "B", "C", "B"}, 2, 100, 0), path({"C"}, 1, 10, 3)};
    auto first = heuristic_attribution(paths, HeuristicRule::first_touch);
    EXPECT_DOUBLE_EQ(credit(first, "A"), 2);
    EXPECT_DOUBLE_EQ(credit(first, "C"), 1);
    auto last = heuristic_attribution(paths, HeuristicRule::last_touch);
    EXPECT_DOUBLE_EQ(credit(last, "B"), 2);
    EXPECT_DOUBLE_EQ(credit(last, "A"), 0);
    auto linear = heuristic_attribution(paths, HeuristicRule::linear);
    EXPECT_DOUBLE_EQ(credit(linear, "A"), 0.5);
    EXPECT_DOUBLE_EQ(credit(linear, "B"), 1.0);
    EXPECT_DOUBLE_EQ(credit(linear, "C"), 1.5);
    EXPECT_DOUBLE_EQ(linear.channels[1].value, 50);  // B: half of 100
    auto position = heuristic_attribution(paths, HeuristicRule::position_based);
    EXPECT_DOUBLE_EQ(credit(position, "A"), 0.8);        // 40% of 2
    EXPECT_DOUBLE_EQ(credit(position, "B"), 0.2 + 0.8);  // 10% middle + 40% last, of 2
    EXPECT_DOUBLE_EQ(credit(position, "C"), 0.2 + 1);    // 10% middle of 2, and all of the single-touch path
    // Half-life of one touch: weights 1/8, 1/4, 1/2, 1 over the four touches (sum 15/8).
    auto decay = heuristic_attribution(paths, HeuristicRule::time_decay);
    EXPECT_NEAR(credit(decay, "A"), 2 * (1.0 / 8) / (15.0 / 8), 1e-12);
    EXPECT_NEAR(credit(decay, "B"), 2 * (1.0 / 4 + 1) / (15.0 / 8), 1e-12);
}

TEST(Attribution, TimeDecayUsesAgesWhenKnown) {
    ConversionPath p = path({"A", "B"}, 1, 0, 0);
    p.ages = {7200, 0};  // two half-lives apart
    HeuristicOptions o;
    o.half_life = 3600;
    auto decay = heuristic_attribution({p}, HeuristicRule::time_decay, o);
    EXPECT_NEAR(credit(decay, "A"), 0.25 / 1.25, 1e-12);
}

TEST(Attribution, MarkovFirstOrderWithNulls) {
    // start→A ½, start→B ½; A→B ½, A→null ½; B→conv ⅔, B→null ⅓.
    // P = ½·½·⅔ + ½·⅔ = ½. Without A: ⅓ (effect ⅓); without B: 0 (effect 1).
    auto m = markov_attribution(two_channel_paths(), 1, NullPaths::include);
    EXPECT_NEAR(m.conversion_probability, 0.5, 1e-12);
    EXPECT_NEAR(m.channels[0].removal_effect, 1.0 / 3, 1e-12);
    EXPECT_NEAR(credit(m, "A"), 2 * (1.0 / 3) / (4.0 / 3), 1e-12);
    EXPECT_NEAR(credit(m, "B"), 2 * 1.0 / (4.0 / 3), 1e-12);
    EXPECT_NEAR(m.channels[1].value, 30 * 0.75, 1e-9);
}

TEST(Attribution, MarkovSecondOrderWithNulls) {
    // States (A), (A,B), (B): P = ½·½·1 + ½·½ = ½; without A ¼ (effect ½); without B 0.
    auto m = markov_attribution(two_channel_paths(), 2, NullPaths::include);
    EXPECT_NEAR(m.conversion_probability, 0.5, 1e-12);
    EXPECT_NEAR(credit(m, "A"), 2 * 0.5 / 1.5, 1e-12);
    EXPECT_NEAR(credit(m, "B"), 2 * 1.0 / 1.5, 1e-12);
}

TEST(Attribution, MarkovWithoutNulls) {
    // Only converting paths: A > B, B. P = 1; without A ½; without B 0.
    for (int order : {1, 2, 3}) {
        auto m = markov_attribution(two_channel_paths(), order, NullPaths::exclude);
        EXPECT_NEAR(m.conversion_probability, 1.0, 1e-12);
        EXPECT_NEAR(credit(m, "A"), 2 * 0.5 / 1.5, 1e-12) << order;
        EXPECT_NEAR(credit(m, "B"), 2 * 1.0 / 1.5, 1e-12) << order;
    }
}

TEST(Attribution, MarkovLoopsAreSolvedExactly) {
    // A > B > A, 1 conversion and 1 null. First order: A→B ½, A→conv ¼,
    // A→null ¼, B→A 1, so P_A = ½P_A + ¼ = ½. Without B: ¼ (effect ½); without A: 0.
    const std::vector<ConversionPath> paths{path({"A", "B", "A"}, 1, 0, 1)};
    auto first = markov_attribution(paths, 1, NullPaths::include);
    EXPECT_NEAR(first.conversion_probability, 0.5, 1e-12);
    EXPECT_NEAR(credit(first, "A"), 2.0 / 3, 1e-12);
    EXPECT_NEAR(credit(first, "B"), 1.0 / 3, 1e-12);
    // Orders 2 and 3 see (A)→(A,B)→(B,A): the chain is a line, both channels essential.
    for (int order : {2, 3}) {
        auto m = markov_attribution(paths, order, NullPaths::include);
        EXPECT_NEAR(credit(m, "A"), 0.5, 1e-12) << order;
        EXPECT_NEAR(credit(m, "B"), 0.5, 1e-12) << order;
    }
}

TEST(Attribution, MarkovThirdOrderDiffersFromSecond) {
    // C > A > B converts, D > A > B does not. With order 2 the state (A,B) mixes
    // both histories; with order 3 (C,A,B) and (D,A,B) keep them apart, so only
    // order 3 gives D no credit.
    const std::vector<ConversionPath> paths{path({"C", "A", "B"}, 1, 0, 0), path({"D", "A", "B"}, 0, 0, 1)};
    auto second = markov_attribution(paths, 2, NullPaths::include);
    auto third = markov_attribution(paths, 3, NullPaths::include);
    // Order 2: P = ½·½ + ½·½ = ½; removing D leaves ½·½ = ¼: effect ½. A, B: effect 1; C: effect ½.
    EXPECT_NEAR(credit(second, "D"), 0.5 / 3.0, 1e-12);
    EXPECT_NEAR(credit(second, "A"), 1.0 / 3.0, 1e-12);
    // Order 3: P = ½; removing D leaves ½: effect 0. A, B, C: effect 1 each.
    EXPECT_NEAR(credit(third, "D"), 0.0, 1e-12);
    EXPECT_NEAR(credit(third, "C"), 1.0 / 3.0, 1e-12);
}

TEST(Attribution, ShapleyBothForms) {
    // Channel sets: {A,B} 3 conversions, {B} 2, {A,B,C} 3 (A > C > B > A).
    const std::vector<ConversionPath> paths{path({"A", "B"}, 3, 30, 0), path({"B"}, 2, 20, 5),
                                            path({"A", "C", "B", "A"}, 3, 60, 0)};
    auto s = shapley_attribution(paths);
    EXPECT_NEAR(credit(s, "A"), 1.5 + 1, 1e-12);
    EXPECT_NEAR(credit(s, "B"), 1.5 + 2 + 1, 1e-12);
    EXPECT_NEAR(credit(s, "C"), 1, 1e-12);
    EXPECT_NEAR(s.channels[0].value, 15 + 20, 1e-12);
    auto o = ordered_shapley_attribution(paths);
    ASSERT_EQ(o.channels[0].by_position.size(), 3u);
    EXPECT_NEAR(o.channels[0].by_position[0], 2.5, 1e-12);  // A always first
    EXPECT_NEAR(o.channels[1].by_position[0], 2, 1e-12);    // B alone
    EXPECT_NEAR(o.channels[1].by_position[1], 1.5, 1e-12);  // B second after A
    EXPECT_NEAR(o.channels[1].by_position[2], 1, 1e-12);    // B third after A, C
    EXPECT_NEAR(o.channels[2].by_position[1], 1, 1e-12);
    EXPECT_NEAR(credit(o, "B"), credit(s, "B"), 1e-12);
}

TEST(Attribution, ReadsChannelAttributionCsv) {
    std::istringstream in("path;total_conversions;total_conversion_value;total_null\n"
                          "eta > iota > alpha;1;5.5;2\n\"beta\";0;0;4\n");
    auto paths = parse_conversion_paths(in, "paths.csv");
    ASSERT_EQ(paths.size(), 2u);
    EXPECT_EQ(paths[0].touchpoints, (std::vector<std::string>{"eta", "iota", "alpha"}));
    EXPECT_DOUBLE_EQ(paths[0].value, 5.5);
    EXPECT_DOUBLE_EQ(paths[1].nulls, 4);
}

TEST(Attribution, PathsFromEngineEvents) {
    std::vector<Touchpoint> touches{{"u1", "search", 10}, {"u1", "social", 20}, {"u1", "search", 40}, {"u2", "social", 5}};
    std::vector<Conversion> conversions{{"u1", 30, 12.0}};
    auto paths = paths_from_events(touches, conversions);
    ASSERT_EQ(paths.size(), 3u);
    // u1: search > social converts at 30; the search at 40 and u2's social are null paths.
    for (const auto& p : paths) {
        if (p.touchpoints.size() == 2) {
            EXPECT_EQ(p.conversions, 1);
            EXPECT_EQ(p.value, 12.0);
        }
    }
}

}  // namespace
}  // namespace bidline::attribution
