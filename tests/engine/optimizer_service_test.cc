// The optimizer service without threads or HTTP: on a ManualClock, imported
// history, run_once() and apply() called directly. Checks the daily series
// the control loop records, "insufficient history", and that budgets walk to
// the plan by at most the daily limit per UTC day, through the catalog.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "bidline/config/config.h"
#include "bidline/engine/daily_series.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/optimizer_service.h"

namespace bidline {
namespace {

using namespace std::chrono;

Timestamp noon(sys_days d) { return time_point_cast<microseconds>(d + hours{12}); }
const sys_days kToday = sys_days{year{2026} / March / 10};

std::int64_t catalog_budget(const EngineState& s, std::string_view id) {
    return s.catalog.load()->find_campaign(id)->model.daily_budget.value();
}

// 120 days before kToday: always-on (900/day) saturated, video-launch (400/day) steep.
std::string history(int days_back) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const struct {
        const char* id;
        double level, beta, kappa;
    } truth[] = {{"cmp-acme-always-on", 900, 1000, 300},
                 {"cmp-acme-video-launch", 400, 4000, 800},
                 {"cmp-globex-audience", 600, 1500, 600}};
    std::string csv;
    for (int d = days_back; d >= 1; --d) {
        const year_month_day ymd{kToday - days{d}};
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        for (const auto& t : truth) {
            const double s = u(rng) < 0.25 ? 0.0 : t.level * (0.3 + 1.4 * u(rng));
            csv += std::string(date) + "," + t.id + "," + std::to_string(s) + ",0," +
                   std::to_string(t.beta * s / (t.kappa + s) + 300) + "\n";
        }
    }
    return csv;
}

TEST(StepBudget, MovesAtMostTheDailyShareOfTheDaysStart) {
    EXPECT_EQ(step_budget(1000, 2000, 0.2), 1200);
    EXPECT_EQ(step_budget(1000, 500, 0.2), 800);
    EXPECT_EQ(step_budget(1000, 1100, 0.2), 1100);
    EXPECT_EQ(step_budget(1000, 0, 1.0), 0);
}

struct FakeLedger {
    std::int64_t spend_total = 0;
    std::uint64_t conversions = 0;
    std::int64_t conversion_value = 0;
};

TEST(DailySeriesRecorder, AddsGrowthToTheCampaignsUtcDayAndIgnoresTheStartingTotals) {
    ManualClock clock(noon(kToday));
    EngineState state(Config{.campaigns = load_demo_config().campaigns}, clock);
    const auto catalog = state.catalog.load();
    const std::uint32_t li = catalog->find_line_item("li-acme-mrec-open")->index.value;
    std::vector<FakeLedger> ledger(catalog->line_item_capacity());
    ledger[li] = {5'000'000, 1, 0};  // recovered before the first tick: not today's growth
    state.daily_series.record(*catalog, ledger, noon(kToday).time_since_epoch().count());
    ledger[li] = {7'000'000, 3, 9'000'000};
    state.daily_series.record(*catalog, ledger, noon(kToday).time_since_epoch().count() + 2'000'000);
    ledger[li] = {8'000'000, 3, 9'000'000};
    state.daily_series.record(*catalog, ledger, noon(kToday + days{1}).time_since_epoch().count());
    const auto s = state.daily_series.snapshot();
    const auto& days_of = s->campaigns.at("cmp-acme-always-on");
    const std::int64_t today = kToday.time_since_epoch().count();
    EXPECT_EQ(days_of.at(today).spend_micros, 2'000'000);
    EXPECT_EQ(days_of.at(today).conversions, 2u);
    EXPECT_EQ(days_of.at(today).value_micros, 9'000'000);
    EXPECT_EQ(days_of.at(today + 1).spend_micros, 1'000'000);
}

TEST(OptimizerService, SaysInsufficientHistoryThenWalksBudgetsToThePlanDayByDay) {
    ManualClock clock(noon(kToday));
    Config config;
    config.campaigns = load_demo_config().campaigns;
    EngineState state(config, clock);
    OptimizerOptions o;
    o.min_days = 60;
    o.bootstrap_draws = 0;
    OptimizerService service(state, o);

    service.import_history(history(30));
    service.run_once();
    EXPECT_NE(service.render_json().find(R"("status":"insufficient_history","message":"30 complete days)"),
              std::string::npos)
        << service.render_json();

    service.import_history(history(120));
    service.run_once();
    const std::string json = service.render_json();
    ASSERT_NE(json.find(R"("status":"plan_active")"), std::string::npos) << json;

    // Day by day: never more than 20% from the day's start, and the control loop sees it in the catalog.
    std::int64_t video = 400'000'000, always_on = 900'000'000;
    for (int day = 0; day < 10; ++day) {
        clock.set(noon(kToday + days{day}));
        service.apply();
        const std::int64_t v = catalog_budget(state, "cmp-acme-video-launch"),
                           a = catalog_budget(state, "cmp-acme-always-on");
        EXPECT_LE(std::abs(v - video), video / 5 + 1) << "day " << day;
        EXPECT_LE(std::abs(a - always_on), always_on / 5 + 1) << "day " << day;
        service.apply();  // the same day again: no further move
        EXPECT_EQ(catalog_budget(state, "cmp-acme-video-launch"), v);
        video = v, always_on = a;
    }
    EXPECT_GT(video, 400'000'000 * 2);  // reached well past the 20% of one day
    EXPECT_LT(always_on, 900'000'000 / 2);

    // An override pins the budget at once and survives a replan.
    ASSERT_TRUE(service.set_override("cmp-acme-video-launch", 100'000'000));
    service.run_once();
    service.apply();
    EXPECT_EQ(catalog_budget(state, "cmp-acme-video-launch"), 100'000'000);
    EXPECT_FALSE(service.set_override("no-such-campaign", 1));
    EXPECT_THROW(service.import_history("2026-01-01,x,1,0\n"), std::invalid_argument);
}

// A reload of the configuration that changes a budget (SIGHUP: a new catalog
// published by campaign_reload) stands: the service adopts it as the
// campaign's budget instead of putting its old one back at its next apply.
TEST(OptimizerService, AReloadedBudgetIsKeptNotPutBack) {
    ManualClock clock(noon(kToday));
    Config config;
    config.campaigns = load_demo_config().campaigns;
    EngineState state(config, clock);
    OptimizerService service(state, OptimizerOptions{});
    service.apply();
    CampaignModel reloaded = state.catalog.load()->model();
    for (Campaign& c : reloaded.campaigns)
        if (c.id.value == "cmp-acme-video-launch") c.daily_budget = Micros{123'000'000};
    state.catalog.publish(Catalog::build(reloaded, state.catalog.load().get()));
    service.apply();
    service.apply();
    EXPECT_EQ(catalog_budget(state, "cmp-acme-video-launch"), 123'000'000);
    EXPECT_NE(service.render_json().find(R"("configured_micros":123000000)"), std::string::npos)
        << service.render_json();
    // An operator's pin still wins over the file.
    ASSERT_TRUE(service.set_override("cmp-acme-video-launch", 50'000'000));
    service.apply();
    EXPECT_EQ(catalog_budget(state, "cmp-acme-video-launch"), 50'000'000);
}

}  // namespace
}  // namespace bidline
