// The Router on hand-built HTTP requests: what each endpoint answers, and
// how win/billing/loss/click/conversion notice URLs become ShardEvents for
// the control loop (prices are CPM and arrive as per-impression micros).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "bidline/engine/router.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

using test::make_config;
using test::request_json;

HttpRequest http(HttpMethod method, std::string_view path, std::string_view query = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    return r;
}

// The "error" member of a JSON error body.
std::string error_code(std::string_view body) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) return "<not json: " + std::string(body) + ">";
    std::string_view code;
    if (root["error"].get(code) != simdjson::SUCCESS) return "<no error member>";
    return std::string(code);
}

class RouterTest : public ::testing::Test {
protected:
    RouterTest()
        : engine_(make_config({{.id = "mrec", .cpm = "2.5"}, {.id = "li_a.b~c-d", .cpm = "1.0"}})),
          router_(engine_.state, engine_.shard) {
        engine_.control.tick();
    }

    RouteResponse route(const HttpRequest& req, std::string_view body = {}) {
        return router_.route(req, body, engine_.clock.now());
    }
    RouteResponse notice(std::string_view kind, std::string_view query) {
        path_ = "/v1/notice/" + std::string(kind);
        return route(http(HttpMethod::get, path_, query));
    }
    bool pop(ShardEvent& e) { return engine_.shard.events.try_pop(e); }

    test::TestEngine engine_;
    Router router_;
    std::string path_;
};

TEST_F(RouterTest, HealthzAnswersOk) {
    const RouteResponse r = route(http(HttpMethod::get, "/healthz"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
    EXPECT_EQ(r.content_type, "text/plain");
}

TEST_F(RouterTest, UnknownPathIsA404WithAJsonError) {
    const RouteResponse r = route(http(HttpMethod::get, "/nope"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(error_code(r.body), "not_found");
}

TEST_F(RouterTest, BidEndpointOnlyTakesPost) {
    const RouteResponse r = route(http(HttpMethod::get, "/openrtb2/bid"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.allow, "POST");
    EXPECT_EQ(error_code(r.body), "method_not_allowed");
}

TEST_F(RouterTest, ReadOnlyEndpointsRefuseOtherMethods) {
    const RouteResponse r = route(http(HttpMethod::post, "/healthz"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.allow, "GET, HEAD");
}

TEST_F(RouterTest, BidEndpointAnswersTheBidAndEchoesTheOpenRtbVersion) {
    HttpRequest req = http(HttpMethod::post, "/openrtb2/bid");
    req.headers[0] = {"X-OpenRTB-Version", "2.6"};
    req.header_count = 1;
    const RouteResponse r = route(req, request_json(test::kBannerImp, test::kSite));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"crid\":\"cr-mrec-0\""), std::string_view::npos) << r.body;
    EXPECT_EQ(r.openrtb_version, "2.6");

    EXPECT_EQ(route(http(HttpMethod::post, "/openrtb2/bid"), "{").status, 400);
}

TEST_F(RouterTest, StatsServesTheRenderedJson) {
    const RouteResponse r = route(http(HttpMethod::get, "/v1/stats"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, *engine_.state.stats_json.load());
    EXPECT_NE(r.body.find("\"line_items\""), std::string_view::npos);
}

TEST_F(RouterTest, WinNoticeBecomesAWinEventWithThePricePerImpression) {
    const RouteResponse r = notice("win", "bid=00000000000000a7&imp=1&li=mrec&cr=cr-mrec-0&price=2.5");
    EXPECT_EQ(r.status, 200);
    ShardEvent e;
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.kind, ShardEventKind::win);
    EXPECT_EQ(e.bid_key, 0xa7u);
    EXPECT_EQ(e.line_item, engine_.index_of("mrec"));
    EXPECT_EQ(e.micros, 2'500) << "a 2.50 CPM costs 2,500 micros per impression";
    EXPECT_EQ(e.shard, 0);
    EXPECT_EQ(e.t_us, engine_.clock.now().time_since_epoch().count());
    EXPECT_FALSE(pop(e)) << "one notice, one event";
    EXPECT_EQ(read(engine_.shard.counters.notices), 1u);
}

TEST_F(RouterTest, BillingLossClickAndConversionNotices) {
    ASSERT_EQ(notice("bill", "bid=0001000000000002&li=mrec&price=0.75").status, 200);
    ASSERT_EQ(notice("loss", "bid=0001000000000003&li=mrec&reason=102").status, 200);
    ASSERT_EQ(notice("click", "bid=0001000000000004&li=mrec").status, 200);
    ASSERT_EQ(notice("conversion", "bid=0001000000000005&li=mrec&value=12.5").status, 200);
    ShardEvent e;
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.kind, ShardEventKind::win) << "a billing notice is the win of its bid: both count once";
    EXPECT_EQ(e.micros, 750);
    EXPECT_EQ(bid_key_shard(e.bid_key), 1);
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.kind, ShardEventKind::loss);
    EXPECT_EQ(e.bid_key, make_bid_key(1, 3));
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.kind, ShardEventKind::click);
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.kind, ShardEventKind::conversion);
    EXPECT_EQ(e.micros, 12'500'000) << "conversion values are currency units, not CPM";
}

TEST_F(RouterTest, WinNoticeWithoutAUsablePriceIsRejected) {
    for (std::string_view query :
         {"bid=00000000000000a7&li=mrec",
          "bid=00000000000000a7&li=mrec&price=", "bid=00000000000000a7&li=mrec&price=${AUCTION_PRICE}",
          "bid=00000000000000a7&li=mrec&price=%24%7BAUCTION_PRICE%7D", "bid=00000000000000a7&li=mrec&price=-1",
          "bid=00000000000000a7&li=mrec&price=2.5x", "bid=00000000000000a7&li=mrec&price=nan"}) {
        SCOPED_TRACE(query);
        const RouteResponse r = notice("win", query);
        EXPECT_EQ(r.status, 400);
        EXPECT_EQ(error_code(r.body), "bad_notice");
    }
    ShardEvent e;
    EXPECT_FALSE(pop(e)) << "a rejected notice must not reach the ledger";
    EXPECT_EQ(read(engine_.shard.counters.notice_errors), 7u);
    EXPECT_EQ(read(engine_.shard.counters.notices), 0u);
}

TEST_F(RouterTest, BadBidIdIsRejected) {
    for (std::string_view query : {"li=mrec&price=1", "bid=a7&li=mrec&price=1", "bid=00000000000000a7a&li=mrec&price=1",
                                   "bid=zzzzzzzzzzzzzzzz&li=mrec&price=1", "bid=-000000000000001&li=mrec&price=1"}) {
        SCOPED_TRACE(query);
        EXPECT_EQ(notice("win", query).status, 400);
    }
    ShardEvent e;
    EXPECT_FALSE(pop(e));
}

TEST_F(RouterTest, UnknownLineItemIsRejected) {
    EXPECT_EQ(notice("win", "bid=00000000000000a7&li=nope&price=1").status, 400);
    EXPECT_EQ(notice("win", "bid=00000000000000a7&price=1").status, 400);
    ShardEvent e;
    EXPECT_FALSE(pop(e));
}

TEST_F(RouterTest, LineItemIdInTheNoticeIsPercentDecoded) {
    ASSERT_EQ(notice("win", "bid=00000000000000a7&li=%6Drec&price=1").status, 200);
    ASSERT_EQ(notice("win", "bid=00000000000000a8&li=li_a.b%7Ec-d&price=1").status, 200);
    ShardEvent e;
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.line_item, engine_.index_of("mrec"));
    ASSERT_TRUE(pop(e));
    EXPECT_EQ(e.line_item, engine_.index_of("li_a.b~c-d"));
}

TEST_F(RouterTest, UnknownNoticeKindIsA404) {
    EXPECT_EQ(notice("impression", "bid=00000000000000a7&li=mrec&price=1").status, 404);
}

TEST(QueryParam, FindsExactKeysWithoutDecoding) {
    const std::string_view q = "bid=abc&li=x%20y&flag&price=&ab=3&a=4";
    EXPECT_EQ(query_param(q, "bid"), "abc");
    EXPECT_EQ(query_param(q, "li"), "x%20y");
    EXPECT_EQ(query_param(q, "price"), "");
    EXPECT_EQ(query_param(q, "flag"), "");
    EXPECT_EQ(query_param(q, "a"), "4") << "'a' must not match 'ab'";
    EXPECT_EQ(query_param(q, "missing"), "");
    EXPECT_EQ(query_param("", "bid"), "");
    EXPECT_EQ(query_param("a=1&a=2", "a"), "1");
}

TEST(PercentDecode, DecodesEscapesAndPlusAndKeepsMalformedOnes) {
    std::string out = "stale";
    percent_decode("a%20b+c", out);
    EXPECT_EQ(out, "a b c");
    percent_decode("%41%42%7e", out);
    EXPECT_EQ(out, "AB~");
    percent_decode("%zz", out);
    EXPECT_EQ(out, "%zz");
    percent_decode("100%", out);
    EXPECT_EQ(out, "100%");
    percent_decode("x%4", out);
    EXPECT_EQ(out, "x%4");
    percent_decode("%4g", out);
    EXPECT_EQ(out, "%4g");
    percent_decode("", out);
    EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace bidline
