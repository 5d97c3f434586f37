// The plan of each pacing mode: cumulative shares of the day's budget, no
// budget in off hours of the daypart, traffic-shaped plans following the
// profile, front-loaded plans ahead of even ones.
#include <gtest/gtest.h>

#include "bidline/pacing/pacing_plan.h"
#include "bidline/pacing/traffic_profile.h"

namespace bidline {
namespace {

std::array<double, 168> flat() {
    std::array<double, 168> a{};
    a.fill(1.0);
    return a;
}

TEST(PacingPlan, EvenSpendsTheSameEveryHour) {
    const PacingPlan p = PacingPlan::make(PacingMode::even, Daypart{}, 0, flat());
    EXPECT_DOUBLE_EQ(p.cumulative(0), 0.0);
    EXPECT_DOUBLE_EQ(p.cumulative(6 * 3600), 0.25);
    EXPECT_DOUBLE_EQ(p.cumulative(12 * 3600 + 1800), 12.5 / 24);
    EXPECT_DOUBLE_EQ(p.cumulative(86400), 1.0);
    EXPECT_DOUBLE_EQ(p.cumulative(2 * 86400), 1.0);
}

TEST(PacingPlan, OffHoursOfTheDaypartGetNoBudget) {
    Daypart d;
    for (int h = 0; h < 24; ++h) d.on[2 * 24 + h] = h >= 9 && h < 17;  // Wednesday 09-17 only
    const PacingPlan p = PacingPlan::make(PacingMode::even, d, 2, flat());
    EXPECT_DOUBLE_EQ(p.cumulative(9 * 3600), 0.0);
    EXPECT_DOUBLE_EQ(p.cumulative(13 * 3600), 0.5);
    EXPECT_DOUBLE_EQ(p.cumulative(17 * 3600), 1.0);
    // Another weekday is on all day.
    EXPECT_DOUBLE_EQ(PacingPlan::make(PacingMode::even, d, 3, flat()).cumulative(12 * 3600), 0.5);
    // A day entirely off plans nothing, in every mode.
    for (int h = 0; h < 24; ++h) d.on[4 * 24 + h] = false;
    for (PacingMode m : {PacingMode::even, PacingMode::traffic, PacingMode::asap, PacingMode::front_loaded})
        EXPECT_DOUBLE_EQ(PacingPlan::make(m, d, 4, flat()).cumulative(86400), 0.0);
}

TEST(PacingPlan, TrafficShapedFollowsTheProfile) {
    std::array<double, 168> traffic = flat();
    for (int h = 0; h < 12; ++h) traffic[h] = 3.0;  // Monday mornings are busy
    const PacingPlan p = PacingPlan::make(PacingMode::traffic, Daypart{}, 0, traffic);
    EXPECT_DOUBLE_EQ(p.cumulative(12 * 3600), 0.75);
    // Tuesday's profile is flat.
    EXPECT_DOUBLE_EQ(PacingPlan::make(PacingMode::traffic, Daypart{}, 1, traffic).cumulative(12 * 3600), 0.5);
}

TEST(PacingPlan, FrontLoadedRunsAheadOfEvenAndAsapAllowsEverythingAtOnce) {
    const PacingPlan front = PacingPlan::make(PacingMode::front_loaded, Daypart{}, 0, flat());
    for (int h = 1; h < 24; ++h) EXPECT_GT(front.cumulative(h * 3600), h / 24.0) << h;
    EXPECT_NEAR(front.cumulative(86400), 1.0, 1e-12);
    const PacingPlan asap = PacingPlan::make(PacingMode::asap, Daypart{}, 0, flat());
    EXPECT_TRUE(asap.asap());
    EXPECT_DOUBLE_EQ(asap.cumulative(1), 1.0);
}

TEST(TrafficProfile, StartsFromThePriorAndLearnsSeenHours) {
    TrafficProfile t;
    auto w = t.weights();
    EXPECT_DOUBLE_EQ(w[20], TrafficProfile::prior(20));
    EXPECT_DOUBLE_EQ(w[24 + 3], TrafficProfile::prior(3));
    // Monday 03:00 UTC had 10 requests/s for an hour; other hours are unseen.
    t.observe(3, 36000, 3600);
    w = t.weights();
    EXPECT_DOUBLE_EQ(w[3], 10.0);
    EXPECT_DOUBLE_EQ(w[24 + 3], 10.0) << "the same hour of another weekday borrows it";
    EXPECT_DOUBLE_EQ(w[20], TrafficProfile::prior(20) * 10.0 / TrafficProfile::prior(3)) << "the prior, scaled";
    // A few seconds are not enough to replace the prior.
    TrafficProfile brief;
    brief.observe(20, 5, 5);
    EXPECT_DOUBLE_EQ(brief.weights()[20], TrafficProfile::prior(20));
}

}  // namespace
}  // namespace bidline
