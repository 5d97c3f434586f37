// First-price shading through the engine, on a ManualClock with direct
// ticks: the control loop learns each context's market from the outcomes
// of first-price bids (wins, losses with min-to-win), publishes the fit in
// ControlState, and the bid path shades first-price bids to the surplus
// optimum; second-price bids and `shading = false` line items bid the value.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "bidline/pacing/shading_model.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;
using test::LineItemSpec;
using test::TestEngine;

const std::string kFirstPrice =
    "{\"id\":\"r\",\"at\":1,\"imp\":[" + std::string(test::kBannerImp) + "]," + std::string(test::kSite) + "}";
const std::string kSecondPrice =
    "{\"id\":\"r\",\"at\":2,\"imp\":[" + std::string(test::kBannerImp) + "]," + std::string(test::kSite) + "}";
constexpr double kMu = 0.7, kSigma = 0.4;  // ln market CPM: median ≈ 2.0

// First-price auctions against a log-normal market for `seconds`, one
// request per 100 ms, loss notices with min-to-win, a tick per second.
void run_market(TestEngine& e, std::mt19937_64& rng, int seconds) {
    std::normal_distribution<double> z(0.0, 1.0);
    for (int s = 0; s < seconds; ++s) {
        for (int k = 0; k < 10; ++k) {
            e.clock.advance(100ms);
            if (e.bids.handle(kFirstPrice, e.clock.now(), nullptr, ResponseMode::decide_only).status != 200) continue;
            const double market = std::exp(kMu + kSigma * z(rng));
            for (const PlacedBid& b : e.bids.last_bids()) {
                const bool won = b.price.as_cpm() > market;
                ShardEvent out{won ? ShardEventKind::win : ShardEventKind::loss,
                               0,
                               e.shard.id,
                               b.line_item,
                               b.bid_key,
                               won ? b.charge.value() : Micros::per_impression_from_cpm(market).value(),
                               e.clock.now().time_since_epoch().count()};
                ASSERT_TRUE(e.shard.events.try_push(out));
            }
        }
        e.control.tick();
    }
}

TEST(ShadingControlLoop, LearnsTheMarketAndShadesFirstPriceBidsToTheSurplusOptimum) {
    TestEngine e(test::make_config({{.id = "a", .cpm = "4.0"}}));
    e.control.tick();
    const std::uint32_t a = e.index_of("a");
    const std::uint8_t context = shading_context(0.0, MediaType::banner, 300, 250, "news.example");
    std::mt19937_64 rng(1);
    run_market(e, rng, 600);  // ten refits

    const MarketPriceFit fit = e.control.shading_fit(a, context);
    ASSERT_TRUE(fit.ready);
    EXPECT_NEAR(fit.mu, kMu, 0.06);
    EXPECT_NEAR(fit.sigma, kSigma, 0.06);
    const MarketPriceFit published = e.state.control.load()->shading_fit(a, context);
    ASSERT_TRUE(published.ready);

    ASSERT_EQ(e.bids.handle(kFirstPrice, e.clock.now(), nullptr, ResponseMode::decide_only).status, 200);
    const PlacedBid shaded = e.bids.last_bids()[0];
    EXPECT_EQ(shaded.value, Micros::from_units(4.0));
    EXPECT_NEAR(shaded.price.as_cpm(), shaded_bid_cpm(published, 4.0, 0.0), 1e-6);
    EXPECT_LT(shaded.price.as_cpm(), 3.2);  // well below the value: the market's median is 2
    EXPECT_GT(shaded.price.as_cpm(), 1.8);

    // Second price: we pay the market price, so we bid the value.
    ASSERT_EQ(e.bids.handle(kSecondPrice, e.clock.now(), nullptr, ResponseMode::decide_only).status, 200);
    EXPECT_EQ(e.bids.last_bids()[0].price, Micros::from_units(4.0));

    // /v1/stats shows the learned buckets and the average shade.
    simdjson::dom::parser p;
    const auto stats = e.state.stats_json.load();
    const simdjson::dom::element sh = p.parse(simdjson::padded_string(*stats))["line_items"].at(0)["shading"];
    EXPECT_TRUE(sh["enabled"].get_bool().value());
    EXPECT_EQ(sh["buckets_learned"].get_int64().value(), 1);
    EXPECT_GT(sh["shaded_bids"].get_uint64().value(), 1000u);
    const double factor = sh["average_shade_factor"].get_double().value();
    EXPECT_GT(factor, 0.4);
    EXPECT_LT(factor, 0.85);
}

TEST(ShadingControlLoop, LineItemsWithShadingOffBidTheirValue) {
    TestEngine e(test::make_config({{.id = "a", .cpm = "4.0", .bid_extra = "shading = false"}}));
    e.control.tick();
    std::mt19937_64 rng(2);
    run_market(e, rng, 300);
    EXPECT_FALSE(e.control.shading_fit(e.index_of("a"), 0).ready);
    ASSERT_EQ(e.bids.handle(kFirstPrice, e.clock.now(), nullptr, ResponseMode::decide_only).status, 200);
    EXPECT_EQ(e.bids.last_bids()[0].price, Micros::from_units(4.0));
}

}  // namespace
}  // namespace bidline
