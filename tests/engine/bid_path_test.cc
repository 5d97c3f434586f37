// The bid path as an exchange sees it: one shard's BidPath over a catalog
// and leases granted by a real control tick, on a ManualClock. Each test
// sends an OpenRTB request and checks the status, the bid (parsed back with
// simdjson) or the no-bid reason counted for /v1/stats.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine_test_config.h"

namespace bidline {
namespace {

using namespace std::chrono_literals;
using test::banner;
using test::CampaignSpec;
using test::LineItemSpec;
using test::make_config;
using test::request_json;
using test::TestEngine;

struct ParsedBid {
    std::string id, impid, crid, cid, adm, nurl, dealid;
    double price = 0;
    std::int64_t w = 0, h = 0;
};

struct ParsedResponse {
    std::string id, cur;
    std::vector<ParsedBid> bids;
};

ParsedResponse parse_response(std::string_view body) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body);
    const simdjson::dom::element root = parser.parse(padded);
    ParsedResponse r;
    r.id = std::string(std::string_view(root["id"]));
    r.cur = std::string(std::string_view(root["cur"]));
    for (simdjson::dom::element seatbid : simdjson::dom::array(root["seatbid"])) {
        for (simdjson::dom::element b : simdjson::dom::array(seatbid["bid"])) {
            ParsedBid p;
            p.id = std::string(std::string_view(b["id"]));
            p.impid = std::string(std::string_view(b["impid"]));
            p.crid = std::string(std::string_view(b["crid"]));
            p.cid = std::string(std::string_view(b["cid"]));
            p.nurl = std::string(std::string_view(b["nurl"]));
            p.price = double(b["price"]);
            std::string_view s;
            if (b["adm"].get(s) == simdjson::SUCCESS) p.adm = std::string(s);
            if (b["dealid"].get(s) == simdjson::SUCCESS) p.dealid = std::string(s);
            std::int64_t v = 0;
            if (b["w"].get(v) == simdjson::SUCCESS) p.w = v;
            if (b["h"].get(v) == simdjson::SUCCESS) p.h = v;
            r.bids.push_back(std::move(p));
        }
    }
    return r;
}

// The one bid of a 200 answer.
ParsedBid only_bid(const BidAnswer& a) {
    EXPECT_EQ(a.status, 200);
    if (a.status != 200) return {};
    const ParsedResponse r = parse_response(a.body);
    EXPECT_EQ(r.bids.size(), 1u) << a.body;
    return r.bids.empty() ? ParsedBid{} : r.bids.front();
}

std::string banner_request(std::string_view imp_extra = {}, std::string_view top_extra = {}) {
    std::string imp = R"({"id":"1","banner":{"w":300,"h":250})";
    if (!imp_extra.empty()) imp += "," + std::string(imp_extra);
    imp += "}";
    std::string top = std::string(test::kSite);
    if (!top_extra.empty()) top += "," + std::string(top_extra);
    return request_json(imp, top);
}

class BidPathTest : public ::testing::Test {
protected:
    TestEngine& start_config(const Config& config) {
        engine_ = std::make_unique<TestEngine>(config);
        engine_->control.tick();
        return *engine_;
    }
    TestEngine& start(const std::vector<LineItemSpec>& line_items, const std::vector<CampaignSpec>& campaigns = {{}}) {
        return start_config(make_config(line_items, campaigns));
    }

    // Sends `json`, expects 204 and that exactly `reason` was counted once more.
    void expect_no_bid(std::string_view json, NoBidReason reason) {
        TestEngine& e = *engine_;
        const std::uint64_t before = e.no_bids(reason);
        const std::uint64_t no_bid_before = read(e.shard.counters.no_bid_responses);
        const BidAnswer a = e.bid(json);
        EXPECT_EQ(a.status, 204) << a.body;
        EXPECT_TRUE(a.body.empty());
        EXPECT_EQ(e.no_bids(reason), before + 1) << "no-bid reason " << to_string(reason) << " not counted";
        EXPECT_EQ(read(e.shard.counters.no_bid_responses), no_bid_before + 1);
    }

    std::unique_ptr<TestEngine> engine_;
};

TEST_F(BidPathTest, MatchingRequestGetsABidForTheLineItemCreativeAndPrice) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}});
    const BidAnswer a = e.bid(banner_request());
    ASSERT_EQ(a.status, 200);
    const ParsedResponse r = parse_response(a.body);
    EXPECT_EQ(r.id, "req-1");
    EXPECT_EQ(r.cur, "USD");
    ASSERT_EQ(r.bids.size(), 1u);
    const ParsedBid& b = r.bids[0];
    EXPECT_EQ(b.impid, "1");
    EXPECT_DOUBLE_EQ(b.price, 2.5);
    EXPECT_EQ(b.crid, "cr-mrec-0");
    EXPECT_EQ(b.cid, "cmp");
    EXPECT_EQ(b.adm, "<ad mrec>");
    EXPECT_EQ(b.w, 300);
    EXPECT_EQ(b.h, 250);
    EXPECT_TRUE(b.dealid.empty());
    ASSERT_EQ(b.id.size(), 16u);
    EXPECT_EQ(b.id.find_first_not_of("0123456789abcdef"), std::string::npos) << b.id;
    EXPECT_NE(b.nurl.find("/v1/notice/win?bid=" + b.id), std::string::npos) << b.nurl;
    EXPECT_NE(b.nurl.find("li=mrec&"), std::string::npos) << b.nurl;
    EXPECT_EQ(read(e.shard.counters.requests), 1u);
    EXPECT_EQ(read(e.shard.counters.bid_responses), 1u);
    EXPECT_EQ(read(e.shard.counters.bids), 1u);
}

TEST_F(BidPathTest, NothingIsLiveBeforeTheFirstControlTick) {
    engine_ = std::make_unique<TestEngine>(make_config({{.id = "mrec"}}));
    expect_no_bid(banner_request(), NoBidReason::no_eligible);
    engine_->control.tick();
    EXPECT_EQ(engine_->bid(banner_request()).status, 200);
}

TEST_F(BidPathTest, NoMatchingLineItemIsANoBid) {
    start({{.id = "mrec"}});
    expect_no_bid(request_json(R"({"id":"1","banner":{"w":728,"h":90}})", test::kSite), NoBidReason::no_eligible);
}

TEST_F(BidPathTest, FloorAboveTheCpmIsANoBid) {
    start({{.id = "mrec", .cpm = "2.5"}});
    expect_no_bid(banner_request(R"("bidfloor":2.51)"), NoBidReason::below_floor);
    EXPECT_EQ(engine_->bid(banner_request(R"("bidfloor":2.5)")).status, 200) << "a bid equal to the floor is allowed";
    EXPECT_EQ(engine_->bid(banner_request(R"("bidfloor":2.5,"bidfloorcur":"USD")")).status, 200);
}

TEST_F(BidPathTest, RequestsThatExcludeUsdAreANoBid) {
    start({{.id = "mrec"}});
    expect_no_bid(banner_request({}, R"("cur":["EUR"])"), NoBidReason::currency);
    expect_no_bid(banner_request(R"("bidfloor":0.1,"bidfloorcur":"EUR")"), NoBidReason::currency);
    EXPECT_EQ(engine_->bid(banner_request({}, R"("cur":["EUR","USD"])")).status, 200);
}

TEST_F(BidPathTest, BlockedCategoriesAndAdvertisersRemoveCreatives) {
    start({{.id = "mrec", .creatives = {banner(300, 250, "categories = [\"IAB17-3\"]")}}});
    expect_no_bid(banner_request({}, R"("bcat":["IAB17"])"), NoBidReason::blocked);
    expect_no_bid(banner_request({}, R"("bcat":["IAB17-3"])"), NoBidReason::blocked);
    expect_no_bid(banner_request({}, R"("badv":["adv.example"])"), NoBidReason::blocked);
    // "IAB1" is not a parent of "IAB17-3", nor is "IAB17-30" the same category.
    EXPECT_EQ(engine_->bid(banner_request({}, R"("bcat":["IAB1","IAB17-30","IAB3"])")).status, 200);
    EXPECT_EQ(engine_->bid(banner_request({}, R"("badv":["other.example"])")).status, 200);
}

TEST_F(BidPathTest, BlockingOneCreativeServesTheOther) {
    start({{.id = "mrec",
            .creatives = {banner(300, 250, "categories = [\"IAB7\"]"), banner(300, 250, "categories = [\"IAB3\"]")}}});
    EXPECT_EQ(only_bid(engine_->bid(banner_request())).crid, "cr-mrec-0");
    EXPECT_EQ(only_bid(engine_->bid(banner_request({}, R"("bcat":["IAB7"])"))).crid, "cr-mrec-1");
}

TEST_F(BidPathTest, SizesTargetingDecidesWhichCreativeServes) {
    // Targets 728x90 only, but also carries a 300x250 creative.
    start({{.id = "leader", .targeting = "sizes = [\"728x90\"]", .creatives = {banner(300, 250), banner(728, 90)}}});
    const ParsedBid b = only_bid(engine_->bid(
        request_json(R"({"id":"1","banner":{"format":[{"w":300,"h":250},{"w":728,"h":90}]}})", test::kSite)));
    EXPECT_EQ(b.crid, "cr-leader-1");
    EXPECT_EQ(b.w, 728);
    EXPECT_EQ(b.h, 90);
}

TEST_F(BidPathTest, SpentLeaseIsANoBidForBudget) {
    // Budget 1.00 a day: the first lease is the minimum slice, 10,000 micros,
    // which is four impressions at a 2.50 CPM (2,500 micros each).
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}}, {{.daily_budget = "1.0"}});
    const std::uint32_t li = e.index_of("mrec");
    const std::int64_t granted = e.shard.line_items[li].granted_micros.load();
    ASSERT_EQ(granted, 10'000);
    for (int k = 0; k < 4; ++k) ASSERT_EQ(e.bid(banner_request()).status, 200) << "bid " << k;
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 10'000);
    expect_no_bid(banner_request(), NoBidReason::budget);
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 10'000) << "a no-bid must not charge the lease";
}

TEST_F(BidPathTest, MalformedJsonIsABadRequestNamingTheError) {
    TestEngine& e = start({{.id = "mrec"}});
    const BidAnswer a = e.bid(R"({"id":"req-1","imp":[{"id":"1","banner":)");
    ASSERT_EQ(a.status, 400);
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(a.body);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(padded).get(root), simdjson::SUCCESS) << "400 body is not JSON: " << a.body;
    EXPECT_EQ(std::string_view(root["error"]), "not_json");
    EXPECT_FALSE(std::string_view(root["message"]).empty());
    EXPECT_EQ(read(e.shard.counters.bad_requests), 1u);

    const BidAnswer no_imp = e.bid(R"({"id":"req-1"})");
    ASSERT_EQ(no_imp.status, 400);
    EXPECT_NE(no_imp.body.find("\"error\":\"missing_imp\""), std::string_view::npos) << no_imp.body;
}

TEST_F(BidPathTest, HighestPriceWinsAmongEligibleLineItems) {
    start({{.id = "cheap", .cpm = "1.0"},
           {.id = "dear", .cpm = "3.0", .targeting = "countries = [\"USA\"]"},
           {.id = "middle", .cpm = "2.0"}});
    const ParsedBid us = only_bid(engine_->bid(banner_request({}, R"("device":{"geo":{"country":"USA"}})")));
    EXPECT_EQ(us.crid, "cr-dear-0");
    EXPECT_DOUBLE_EQ(us.price, 3.0);
    // Where the dearest is not eligible, the next one wins.
    const ParsedBid fr = only_bid(engine_->bid(banner_request({}, R"("device":{"geo":{"country":"FRA"}})")));
    EXPECT_EQ(fr.crid, "cr-middle-0");
    EXPECT_DOUBLE_EQ(fr.price, 2.0);
}

TEST_F(BidPathTest, MaxCpmCapsTheBid) {
    // The loader refuses max_cpm < cpm, but the engine must cap whatever the
    // strategy values an impression at (models will value above cpm).
    Config config = make_config({{.id = "capped", .cpm = "2.5"}});
    config.campaigns.line_items.at(0).bid.max_cpm = Micros::cpm(1.75);
    start_config(config);
    EXPECT_DOUBLE_EQ(only_bid(engine_->bid(banner_request())).price, 1.75);
    expect_no_bid(banner_request(R"("bidfloor":2.0)"), NoBidReason::below_floor);
}

TEST_F(BidPathTest, DealLineItemBidsOnItsDealWithTheDealId) {
    start({{.id = "pmp", .cpm = "4.0", .targeting = "deals = [\"deal-1\"]"}, {.id = "open", .cpm = "1.0"}});
    const ParsedBid deal = only_bid(
        engine_->bid(banner_request(R"("pmp":{"private_auction":0,"deals":[{"id":"deal-1","bidfloor":3.0}]})")));
    EXPECT_EQ(deal.crid, "cr-pmp-0");
    EXPECT_EQ(deal.dealid, "deal-1");
    EXPECT_DOUBLE_EQ(deal.price, 4.0);

    // Outside the deal the open line item bids, without a deal id.
    const ParsedBid open = only_bid(engine_->bid(banner_request()));
    EXPECT_EQ(open.crid, "cr-open-0");
    EXPECT_TRUE(open.dealid.empty());

    // A deal floor above the deal line item's CPM leaves the open auction.
    const ParsedBid floored = only_bid(
        engine_->bid(banner_request(R"("pmp":{"private_auction":0,"deals":[{"id":"deal-1","bidfloor":5.0}]})")));
    EXPECT_EQ(floored.crid, "cr-open-0");
    EXPECT_TRUE(floored.dealid.empty());
}

TEST_F(BidPathTest, MultiImpRequestGetsOneBidPerImp) {
    start({{.id = "mrec", .cpm = "1.5"}, {.id = "leader", .cpm = "2.0", .creatives = {banner(728, 90)}}});
    const BidAnswer a = engine_->bid(request_json(R"({"id":"a","banner":{"w":300,"h":250}},)"
                                                  R"({"id":"b","banner":{"w":728,"h":90}},)"
                                                  R"({"id":"c","banner":{"w":320,"h":50}})",
                                                  test::kSite));
    ASSERT_EQ(a.status, 200);
    const ParsedResponse r = parse_response(a.body);
    ASSERT_EQ(r.bids.size(), 2u) << a.body;
    EXPECT_EQ(r.bids[0].impid, "a");
    EXPECT_EQ(r.bids[0].crid, "cr-mrec-0");
    EXPECT_DOUBLE_EQ(r.bids[0].price, 1.5);
    EXPECT_EQ(r.bids[1].impid, "b");
    EXPECT_EQ(r.bids[1].crid, "cr-leader-0");
    EXPECT_DOUBLE_EQ(r.bids[1].price, 2.0);
    EXPECT_NE(r.bids[0].id, r.bids[1].id);
    EXPECT_EQ(read(engine_->shard.counters.bids), 2u);
}

TEST_F(BidPathTest, RequestOlderThanTmaxIsANoBidAndChargesNothing) {
    TestEngine& e = start({{.id = "mrec", .cpm = "2.5"}});
    const std::string late = request_json(test::kBannerImp, std::string(test::kSite) + ",\"tmax\":100");
    const std::uint32_t li = e.index_of("mrec");

    const std::uint64_t before = e.no_bids(NoBidReason::tmax);
    const BidAnswer a = e.bids.handle(late, e.clock.now() - 101ms);
    EXPECT_EQ(a.status, 204);
    EXPECT_EQ(e.no_bids(NoBidReason::tmax), before + 1);
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 0);
    e.control.tick();
    EXPECT_EQ(e.ledger("mrec").bids, 0u) << "a bid past tmax was recorded";

    // Within tmax, and without a tmax at all, it bids.
    EXPECT_EQ(e.bids.handle(late, e.clock.now() - 99ms).status, 200);
    EXPECT_EQ(e.bids.handle(banner_request(), e.clock.now() - 10s).status, 200);
    EXPECT_EQ(e.shard.line_items[li].charged_micros.load(), 5'000);
}

}  // namespace
}  // namespace bidline
