// Replay reproduces hand-computable cases exactly: a constant bid over a
// small log wins exactly the rows whose market price is below the bid, pays
// the market price (second price) or the bid (first price), and counts the
// clicks and conversions of the rows it won.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bidline/engine/replay.h"
#include "bidline/feeds/market_generator.h"

namespace bidline {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::path(testing::TempDir()) / name;
    std::ofstream(path) << content;
    return path.string();
}

std::string row(std::int64_t ts_ms, int at, double market, int click, int conversion, double value) {
    std::ostringstream s;
    s << R"({"ts":)" << ts_ms << R"(,"request":{"id":"r)" << ts_ms << R"(","at":)" << at
      << R"(,"imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"a.example"}},"market_price":)" << market
      << R"(,"click":)" << click << R"(,"conversion":)" << conversion << R"(,"conversion_value":)" << value << "}\n";
    return s.str();
}

ReplayReport replay(const std::string& file, ReplayFormat format, const Config& config) {
    auto source = open_replay_source({file}, format);
    return run_replay(config, *source, ReplayOptions{});
}

TEST(Replay, ConstantBidSecondPriceEqualsDirectCount) {
    // Bid 2.00 CPM. Markets: 1.0 (win, pay 1.0), 3.0 (lose), 1.5 (win, pay 1.5, click),
    // 2.0 (tie loses), 0.5 (win, pay 0.5, click + conversion 30).
    const std::int64_t t0 = 1'780'272'000'000;  // 2026-06-01T00:00Z in ms
    std::string log = row(t0, 2, 1.0, 0, 0, 0) + row(t0 + 1000, 2, 3.0, 1, 0, 0) + row(t0 + 2000, 2, 1.5, 1, 0, 0) +
                      row(t0 + 3000, 2, 2.0, 0, 0, 0) + row(t0 + 4000, 2, 0.5, 1, 1, 30.0);
    const auto file = write_temp("second_price.ndjson", log);
    const ReplayReport r = replay(file, ReplayFormat::ndjson,
                                  single_campaign_config(1000.0, BidStrategy::manual_cpm, PacingMode::asap, 2.0));
    EXPECT_EQ(r.totals.requests, 5u);
    EXPECT_EQ(r.totals.bids, 5u);
    EXPECT_EQ(r.totals.wins, 3u);
    EXPECT_EQ(r.totals.impressions, 3u);
    EXPECT_EQ(r.totals.clicks, 2u);
    EXPECT_EQ(r.totals.conversions, 1u);
    EXPECT_EQ(r.totals.conversion_value_micros, 30'000'000);
    // (1.0 + 1.5 + 0.5) CPM / 1000 per impression = 0.003 currency units.
    EXPECT_EQ(r.totals.spend_micros, 3'000);
    ASSERT_EQ(r.timeline.size(), 1u);
    EXPECT_EQ(r.timeline[0].tally.spend_micros, 3'000);
    ASSERT_EQ(r.line_items.size(), 1u);
    EXPECT_EQ(r.line_items[0].first, "li-replay");
    EXPECT_EQ(r.line_items[0].second.wins, 3u);
}

TEST(Replay, FirstPricePaysOurBid) {
    const std::int64_t t0 = 1'780'272'000'000;
    std::string log = row(t0, 1, 1.0, 0, 0, 0) + row(t0 + 1000, 1, 2.5, 0, 0, 0) + row(t0 + 2000, 1, 0.2, 0, 0, 0);
    const auto file = write_temp("first_price.ndjson", log);
    const ReplayReport r = replay(file, ReplayFormat::ndjson,
                                  single_campaign_config(1000.0, BidStrategy::manual_cpm, PacingMode::asap, 2.0));
    EXPECT_EQ(r.totals.wins, 2u);
    EXPECT_EQ(r.totals.spend_micros, 4'000);  // two wins at our 2.00 CPM
}

TEST(Replay, BudgetStopsSpendingAndIsNeverExceeded) {
    // 2,000 rows at market 1.0, bid 2.0: each win costs 0.001. Budget 0.5 = 500 wins at most.
    const std::int64_t t0 = 1'780'272'000'000;
    std::string log;
    for (int i = 0; i < 2000; ++i) log += row(t0 + i * 10'000, 2, 1.0, 0, 0, 0);
    const auto file = write_temp("budget.ndjson", log);
    const ReplayReport r = replay(file, ReplayFormat::ndjson,
                                  single_campaign_config(0.5, BidStrategy::manual_cpm, PacingMode::asap, 2.0));
    EXPECT_LE(r.totals.spend_micros, 500'000);
    EXPECT_GE(r.totals.spend_micros, 490'000) << "leases should let it spend (nearly) all of the budget";
    EXPECT_LT(r.totals.bids, 2000u);
}

TEST(Replay, IpinyouThreeColumnUsesGivenCtrAndSpreadsOverADay) {
    // click market_price pctr; manual_cpc bids CPC x pCTR x 1000 as CPM.
    // CPC 100: pctr 0.01 -> CPM 1000 beats 300; pctr 0.001 -> CPM 100 loses to 300.
    std::string log = "1 300 0.01\n0 300 0.001\n0 50 0.001\n1 900 0.01\n";
    const auto file = write_temp("three.txt", log);
    Config c = single_campaign_config(1000.0, BidStrategy::manual_cpc, PacingMode::asap, 0.0);
    c.campaigns.line_items[0].bid.cpc = Micros::from_units(100.0);
    const ReplayReport r = replay(file, ReplayFormat::ipinyou, c);
    EXPECT_EQ(r.totals.requests, 4u);
    EXPECT_EQ(r.totals.wins, 3u);     // 1000>300, 100>50, 1000>900
    EXPECT_EQ(r.totals.clicks, 2u);   // rows 1 and 4
    EXPECT_EQ(r.totals.spend_micros, (300 + 50 + 900) * 1000);
    EXPECT_EQ(r.last_us - r.first_us, 3 * 86'400'000'000LL / 4);  // evenly over one day
}

TEST(Replay, Ipinyou27ColumnReadsHeaderNamedColumns) {
    std::string header =
        "click\tweekday\thour\tbidid\ttimestamp\tlogtype\tipinyouid\tuseragent\tIP\tregion\tcity\tadexchange\tdomain\turl\t"
        "urlid\tslotid\tslotwidth\tslotheight\tslotvisibility\tslotformat\tslotprice\tcreative\tbidprice\tpayprice\t"
        "keypage\tadvertiser\tusertag\n";
    auto line = [](int click, const char* ts, int w, int h, int floor, int pay) {
        return std::to_string(click) + "\t4\t0\tbid" + ts + "\t" + ts + "\t1\tu1\tMozilla\t1.2.3.x\t1\t1\t1\tdomainA\turl\t"
               "null\tslot\t" + std::to_string(w) + "\t" + std::to_string(h) + "\t0\t0\t" + std::to_string(floor) +
               "\tcr\t300\t" + std::to_string(pay) + "\tnull\t1458\tnull\n";
    };
    std::string log = header + line(0, "20130606000104828", 300, 250, 0, 80) + line(1, "20130606000105000", 728, 90, 5, 150) +
                      line(0, "20130606010000000", 160, 600, 200, 50);
    const auto file = write_temp("ipinyou27.txt", log);
    // Bid 100: wins market 80 and 50... but the third row's floor is 200 > 100: no bid.
    const ReplayReport r = replay(file, ReplayFormat::ipinyou,
                                  single_campaign_config(1000.0, BidStrategy::manual_cpm, PacingMode::asap, 100.0));
    EXPECT_EQ(r.totals.requests, 3u);
    EXPECT_EQ(r.totals.bids, 2u);
    EXPECT_EQ(r.totals.wins, 1u);  // 100 > 80; 100 < 150
    EXPECT_EQ(r.totals.spend_micros, 80'000);
    EXPECT_EQ(r.timeline.size(), 2u);  // 00:00 and 01:00 China time -> two UTC hour buckets
}

TEST(Replay, BadRowNamesFileAndLine) {
    const auto file = write_temp("bad.ndjson", row(1'780'272'000'000, 2, 1.0, 0, 0, 0) + "{\"ts\":5,\"request\":{}}\n");
    auto source = open_replay_source({file}, ReplayFormat::ndjson);
    try {
        run_replay(single_campaign_config(1.0, BidStrategy::manual_cpm, PacingMode::asap, 1.0), *source, ReplayOptions{});
        FAIL() << "expected ReplayError";
    } catch (const ReplayError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.ndjson:2: market_price is required"), std::string::npos) << e.what();
    }
}

TEST(MarketGenerator, SameSeedSameBytesAndEveryLineReplays) {
    std::ostringstream a, b, c;
    MarketOptions o;
    o.requests = 2000;
    o.seed = 7;
    EXPECT_EQ(write_synthetic_market(o, a), 2000u);
    write_synthetic_market(o, b);
    o.seed = 8;
    write_synthetic_market(o, c);
    EXPECT_EQ(a.str(), b.str());
    EXPECT_NE(a.str(), c.str());
    const auto file = write_temp("gen.ndjson", a.str());
    const ReplayReport r = replay(file, ReplayFormat::ndjson,
                                  single_campaign_config(1e6, BidStrategy::manual_cpm, PacingMode::asap, 1.5));
    EXPECT_EQ(r.totals.requests, 2000u);
    EXPECT_GT(r.totals.wins, 200u);
    EXPECT_LT(r.totals.wins, r.totals.bids);
    EXPECT_EQ(r.timeline.size(), 24u);
}

}  // namespace
}  // namespace bidline
