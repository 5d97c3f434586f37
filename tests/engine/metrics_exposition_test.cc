// GET /metrics must be text a Prometheus server accepts as-is, and its
// numbers must be the engine's: checked with a strict validator on the
// exposition the control loop renders, after real bids and wins.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <string>

#include "bidline/engine/metrics_exposition.h"
#include "engine_test_config.h"
#include "support/prometheus_text.h"

namespace bidline {
namespace {

using test::parse_prometheus_text;

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

std::uint64_t first_bid_key(const BidAnswer& a) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(a.body);
    std::string_view id = parser.parse(padded)["seatbid"].at(0)["bid"].at(0)["id"];
    std::uint64_t key = 0;
    std::from_chars(id.data(), id.data() + id.size(), key, 16);
    return key;
}

TEST(MetricsExposition, IsValidPrometheusTextWithTheEnginesNumbers) {
    test::LineItemSpec a_spec, b_spec;
    a_spec.id = "li-a";
    a_spec.cpm = "2.0";
    b_spec.id = "li-b";
    test::TestEngine e(test::make_config({a_spec, b_spec}, {test::CampaignSpec{}}));
    e.control.tick();
    const std::string request = test::request_json(test::kBannerImp, test::kSite);
    BidAnswer a = e.bid(request);
    ASSERT_EQ(a.status, 200);
    e.shard.counters.bid_latency.record(3'000);      // 3 µs
    e.shard.counters.bid_latency.record(250'000);    // 250 µs
    const ShardEvent win{ShardEventKind::win, 0, e.shard.id, e.index_of("li-a"), first_bid_key(a),
                         Micros::per_impression_from_cpm(1.5).value(), e.clock.now().time_since_epoch().count()};
    ASSERT_TRUE(e.shard.events.try_push(win));
    e.control.tick();

    const auto text = e.state.metrics_text.load();
    ASSERT_NE(text, nullptr);
    const test::PromParse p = parse_prometheus_text(*text);
    EXPECT_TRUE(p.problems.empty()) << joined(p.problems) << *text;

    EXPECT_EQ(p.value("bidline_up"), 1.0);
    EXPECT_EQ(p.types.at("bidline_requests_total"), "counter");
    EXPECT_EQ(p.types.at("bidline_bid_latency_seconds"), "histogram");
    EXPECT_EQ(p.value("bidline_requests_total", {{"shard", "0"}}), 1.0);
    EXPECT_EQ(p.value("bidline_bids_total", {{"shard", "0"}}), 1.0);
    EXPECT_EQ(p.value("bidline_wins_total", {{"line_item", "li-a"}, {"campaign", "cmp"}}), 1.0);
    EXPECT_EQ(p.value("bidline_line_item_spend_today_micros", {{"line_item", "li-a"}, {"campaign", "cmp"}}), 1500.0);
    EXPECT_EQ(p.value("bidline_campaign_spend_today_micros", {{"campaign", "cmp"}}), 1500.0);
    EXPECT_EQ(p.value("bidline_campaign_daily_budget_micros", {{"campaign", "cmp"}}), 1000e6);
    EXPECT_EQ(p.value("bidline_wins_total", {{"line_item", "li-b"}, {"campaign", "cmp"}}), 0.0);
    EXPECT_FALSE(std::isnan(p.value("bidline_no_bids_total", {{"shard", "0"}, {"reason", "budget"}})));
    // Histogram: 3 µs lies in [2^11, 2^12) ns, so it is counted from le=4.096e-06 on.
    EXPECT_EQ(p.value("bidline_bid_latency_seconds_bucket", {{"shard", "0"}, {"le", "2.048e-06"}}), 0.0);
    EXPECT_EQ(p.value("bidline_bid_latency_seconds_bucket", {{"shard", "0"}, {"le", "4.096e-06"}}), 1.0);
    EXPECT_EQ(p.value("bidline_bid_latency_seconds_bucket", {{"shard", "0"}, {"le", "+Inf"}}), 2.0);
    EXPECT_EQ(p.value("bidline_bid_latency_seconds_count", {{"shard", "0"}}), 2.0);
}

TEST(MetricsExposition, EscapesLabelValues) {
    std::string out;
    append_label_value_escaped(out, "a\"b\\c\nd");
    EXPECT_EQ(out, R"(a\"b\\c\nd)");
}

// The validator itself must catch what it is there to catch.
TEST(PrometheusTextValidator, RejectsMalformedExpositions) {
    EXPECT_TRUE(parse_prometheus_text("# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"1\"} 3\n").problems.empty());
    EXPECT_FALSE(parse_prometheus_text("x_total 3\n").problems.empty()) << "sample before TYPE";
    EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\nx{a=1} 3\n").problems.empty()) << "unquoted label";
    EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\nx{a=\"\\q\"} 3\n").problems.empty()) << "bad escape";
    EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\nx three\n").problems.empty()) << "bad value";
    EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx 2\n").problems.empty()) << "split family";
    EXPECT_FALSE(parse_prometheus_text("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\n"
                                       "h_bucket{le=\"+Inf\"} 2\nh_count 2\n").problems.empty()) << "not cumulative";
    EXPECT_FALSE(parse_prometheus_text("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\n").problems.empty())
        << "no +Inf bucket";
}

}  // namespace
}  // namespace bidline
