// Each controller on its own, with exact arithmetic: the direction and size
// of its steps, its bounds, and that it settles where spend meets target on
// a simple simulated market (spend rate proportional to the bid).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bidline/pacing/dual_multiplier_controller.h"
#include "bidline/pacing/pacing_controller.h"
#include "bidline/pacing/pid_controller.h"
#include "bidline/pacing/safety_limits.h"
#include "bidline/pacing/throttle_controller.h"

namespace bidline {
namespace {

TEST(RelativeOverspend, IsTheBoundedRelativeGap) {
    EXPECT_DOUBLE_EQ(relative_overspend({100, 150, 1}), 0.5);
    EXPECT_DOUBLE_EQ(relative_overspend({100, 0, 1}), -1.0);
    EXPECT_DOUBLE_EQ(relative_overspend({100, 10'000, 1}), 4.0);
    EXPECT_DOUBLE_EQ(relative_overspend({0, 1, 1}), 4.0) << "the plan says stop";
    EXPECT_DOUBLE_EQ(relative_overspend({0, 0, 1}), 0.0);
}

TEST(ThrottleController, AdjustsThePassProbabilityMultiplicatively) {
    ThrottleController t({.gain_per_s = 0.1, .min_pass = 0.01, .initial = 0.5});
    PacingKnobs k = t.update({100, 200, 1});  // 100 % over: p × e^-0.1
    EXPECT_DOUBLE_EQ(k.pass_probability, 0.5 * std::exp(-0.1));
    EXPECT_DOUBLE_EQ(k.multiplier, 1.0);
    k = t.update({100, 0, 10});  // starved for 10 s: × e^+1
    EXPECT_DOUBLE_EQ(k.pass_probability, std::min(1.0, 0.5 * std::exp(-0.1) * std::exp(1.0)));
    for (int i = 0; i < 100; ++i) k = t.update({100, 500, 10});
    EXPECT_DOUBLE_EQ(k.pass_probability, 0.01);
}

TEST(DualMultiplierController, RaisesMuOnOverspendAndBidsValueOverOnePlusMu) {
    DualMultiplierController d({.step_per_s = 0.01, .mu_min = -0.5, .mu_max = 3});
    PacingKnobs k = d.update({100, 300, 10});  // gap 2 × 0.01 × 10 = 0.2
    EXPECT_DOUBLE_EQ(d.mu(), 0.2);
    EXPECT_DOUBLE_EQ(k.multiplier, 1 / 1.2);
    for (int i = 0; i < 100; ++i) k = d.update({100, 0, 10});
    EXPECT_DOUBLE_EQ(d.mu(), -0.5);
    EXPECT_DOUBLE_EQ(k.multiplier, 2.0);
}

TEST(PidController, ScalesTheBidByExpPhiAndStopsWindingUp) {
    PidController p({.kp = 0.5, .ki = 0.1, .kd = 0, .phi_min = -1, .phi_max = 1});
    PacingKnobs k = p.update({100, 50, 2});  // e = 0.5: φ = 0.25 + 0.1 × 1
    EXPECT_DOUBLE_EQ(k.multiplier, std::exp(0.35));
    for (int i = 0; i < 1000; ++i) k = p.update({100, 0, 1});
    EXPECT_DOUBLE_EQ(k.multiplier, std::exp(1.0));
    // The integral was clamped at φ_max / ki, so one overspend tick pulls φ back at once.
    k = p.update({100, 200, 1});  // e = −1: integral 10 − 1 = 9 → φ = −0.5 + 0.9
    EXPECT_NEAR(k.multiplier, std::exp(0.4), 1e-12);
}

TEST(PacingControllers, DownOnlyControllersNeverAskForMoreThanTheValue) {
    for (auto kind : {PacingControllerKind::throttle, PacingControllerKind::dual, PacingControllerKind::pid}) {
        auto c = make_pacing_controller(kind, BidDirection::down_only);
        PacingKnobs k;
        for (int i = 0; i < 100; ++i) k = c->update({100, 0, 10});
        EXPECT_LE(k.multiplier, 1.0) << c->name();
        EXPECT_EQ(parse_pacing_controller(c->name()), kind);
    }
    EXPECT_FALSE(parse_pacing_controller("bang_bang"));
}

// Spend rate = 50 × multiplier × pass (a market where spend is linear in
// the bid); target 100: every controller must settle within 2 % of it.
TEST(PacingControllers, SettleOnTheTargetRateOfASimpleMarket) {
    for (auto kind : {PacingControllerKind::dual, PacingControllerKind::pid}) {
        auto c = make_pacing_controller(kind, BidDirection::both);
        PacingKnobs k;
        double spend = 0;
        for (int i = 0; i < 20'000; ++i) {
            spend = 50 * k.multiplier * k.pass_probability;
            k = c->update({100, spend, 1});
        }
        EXPECT_NEAR(spend, 100, 2) << c->name();
    }
    // Throttling can only remove traffic: a market that would spend 300 at full pass.
    auto t = make_pacing_controller(PacingControllerKind::throttle, BidDirection::down_only);
    PacingKnobs k;
    double spend = 0;
    for (int i = 0; i < 20'000; ++i) {
        spend = 300 * k.pass_probability;
        k = t->update({100, spend, 1});
    }
    EXPECT_NEAR(spend, 100, 2);
}

// A restart must not reset pacing: a controller restored from another's
// state answers every later signal exactly as the original does.
TEST(PacingControllers, ARestoredControllerContinuesExactlyWhereTheOriginalStopped) {
    for (PacingControllerKind kind : {PacingControllerKind::throttle, PacingControllerKind::dual, PacingControllerKind::pid}) {
        SCOPED_TRACE(std::string(to_string(kind)));
        auto original = make_pacing_controller(kind, BidDirection::both);
        for (int i = 0; i < 20; ++i) original->update(PacingSignal{100, 100.0 + 17 * (i % 5), 0.25});
        auto resumed = make_pacing_controller(kind, BidDirection::both);
        const std::vector<double> saved = original->state();
        ASSERT_TRUE(resumed->restore(saved));
        for (int i = 0; i < 10; ++i) {
            const PacingSignal s{100, 60.0 + 13 * i, 0.25};
            const PacingKnobs a = original->update(s), b = resumed->update(s);
            EXPECT_EQ(a.multiplier, b.multiplier);
            EXPECT_EQ(a.pass_probability, b.pass_probability);
        }
        // Another controller's state, or garbage, is refused and changes nothing.
        auto fresh = make_pacing_controller(kind, BidDirection::both);
        EXPECT_FALSE(fresh->restore(std::vector<double>{1, 2, 3, 4}));
        EXPECT_FALSE(fresh->restore(std::vector<double>(saved.size(), std::nan(""))));
        EXPECT_EQ(fresh->state(), make_pacing_controller(kind, BidDirection::both)->state());
    }
}

TEST(PacingControllers, ARestoredStateIsHeldInsideTheControllersBounds) {
    auto pid = make_pacing_controller(PacingControllerKind::pid, BidDirection::down_only);
    ASSERT_TRUE(pid->restore(std::vector<double>{1e9, 0.0, 1.0}));  // saved by a controller that could raise bids
    EXPECT_LE(pid->update(PacingSignal{100, 100, 0.25}).multiplier, 1.0);
    auto throttle = make_pacing_controller(PacingControllerKind::throttle, BidDirection::both);
    ASSERT_TRUE(throttle->restore(std::vector<double>{7.0}));
    EXPECT_EQ(throttle->state(), std::vector<double>{1.0});
}

TEST(PacingSafetyLimits, BoundTheChangePerTick) {
    const PacingSafetyLimits l{.max_multiplier_ratio = 1.1, .max_pass_step = 0.05, .min_multiplier = 0.5,
                               .max_multiplier = 2};
    EXPECT_DOUBLE_EQ(limit_multiplier(1.0, 5.0, l), 1.1);
    EXPECT_DOUBLE_EQ(limit_multiplier(1.0, 0.1, l), 1.0 / 1.1);
    EXPECT_DOUBLE_EQ(limit_multiplier(1.9, 5.0, l), 2.0);
    EXPECT_DOUBLE_EQ(limit_multiplier(0.52, 0.1, l), 0.5);
    EXPECT_DOUBLE_EQ(limit_pass_probability(0.5, 0.0, l), 0.45);
    EXPECT_DOUBLE_EQ(limit_pass_probability(0.98, 1.0, l), 1.0);
}

}  // namespace
}  // namespace bidline
