// The bid response as an exchange reads it: valid JSON with the OpenRTB
// fields in place, markup that survives any characters, notice URLs whose
// query values cannot break out of their parameter, and a buffer that is
// never overrun.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bidline/engine/bid_response_writer.h"

namespace bidline {
namespace {

using namespace std::string_view_literals;

class BidResponseWriterTest : public ::testing::Test {
protected:
    BidResponseWriterTest() {
        header_.request_id = "req-1";
        header_.response_id = "resp-1";
        header_.notice_base_url = "http://127.0.0.1:8080";
        bid_.bid_id = "s0-17";
        bid_.imp_id = "1";
        bid_.price_cpm = 1.25;
        bid_.line_item_id = "li-7";
        bid_.creative_id = "cr-3";
        bid_.campaign_id = "camp-2";
        bid_.adomain = adomain_;
        bid_.cat = cat_;
        bid_.w = 300;
        bid_.h = 250;
        bid_.adm = "<div>ad</div>";
    }

    // Writes into an exactly-sized-or-larger buffer and returns the text.
    std::string write(std::span<const BidOut> bids, std::size_t cap = 8192) {
        std::vector<char> buf(cap);
        const std::size_t n = write_bid_response(header_, bids, buf.data(), buf.size());
        return std::string(buf.data(), n);
    }
    std::string write_one() { return write(std::span<const BidOut>(&bid_, 1)); }

    // The first bid of the response, parsed by simdjson's DOM.
    simdjson::dom::element first_bid(const std::string& json) {
        simdjson::dom::element root;
        EXPECT_EQ(dom_.parse(json).get(root), simdjson::SUCCESS) << json;
        simdjson::dom::element bid;
        EXPECT_EQ(root.at_pointer("/seatbid/0/bid/0").get(bid), simdjson::SUCCESS) << json;
        return bid;
    }
    static std::string_view str(simdjson::dom::element e, std::string_view pointer) {
        std::string_view s;
        EXPECT_EQ(e.at_pointer(pointer).get_string().get(s), simdjson::SUCCESS) << pointer;
        return s;
    }

    BidResponseHeader header_;
    BidOut bid_;
    std::array<std::string, 2> adomain_{"advertiser.com", "brand.example"};
    std::array<std::string, 1> cat_{"IAB3-1"};
    simdjson::dom::parser dom_;
};

TEST_F(BidResponseWriterTest, WritesTheOpenRtbFields) {
    const std::string json = write_one();
    simdjson::dom::element root;
    ASSERT_EQ(dom_.parse(json).get(root), simdjson::SUCCESS) << json;
    EXPECT_EQ(str(root, "/id"), "req-1");
    EXPECT_EQ(str(root, "/bidid"), "resp-1");
    EXPECT_EQ(str(root, "/cur"), "USD");
    EXPECT_EQ(str(root, "/seatbid/0/seat"), "bidline");

    simdjson::dom::element bid = first_bid(json);
    EXPECT_EQ(str(bid, "/id"), "s0-17");
    EXPECT_EQ(str(bid, "/impid"), "1");
    EXPECT_EQ(double(bid["price"]), 1.25);
    EXPECT_EQ(str(bid, "/adid"), "cr-3");
    EXPECT_EQ(str(bid, "/crid"), "cr-3");
    EXPECT_EQ(str(bid, "/cid"), "camp-2");
    EXPECT_EQ(str(bid, "/adomain/0"), "advertiser.com");
    EXPECT_EQ(str(bid, "/adomain/1"), "brand.example");
    EXPECT_EQ(str(bid, "/cat/0"), "IAB3-1");
    EXPECT_EQ(uint64_t(bid["w"]), 300u);
    EXPECT_EQ(uint64_t(bid["h"]), 250u);
    EXPECT_EQ(uint64_t(bid["mtype"]), 1u);
    EXPECT_EQ(str(bid, "/adm"), "<div>ad</div>");
    EXPECT_EQ(str(bid, "/nurl"),
              "http://127.0.0.1:8080/v1/notice/win?bid=s0-17&imp=1&li=li-7&cr=cr-3&price=${AUCTION_PRICE}");
    EXPECT_EQ(str(bid, "/burl"), "http://127.0.0.1:8080/v1/notice/bill?bid=s0-17&li=li-7&price=${AUCTION_PRICE}");
    EXPECT_EQ(str(bid, "/lurl"), "http://127.0.0.1:8080/v1/notice/loss?bid=s0-17&li=li-7&reason=${AUCTION_LOSS}");
    EXPECT_EQ(bid["dealid"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(BidResponseWriterTest, MtypeFollowsOpenRtb26) {
    const std::pair<MediaType, std::uint64_t> cases[] = {
        {MediaType::banner, 1}, {MediaType::video, 2}, {MediaType::audio, 3}, {MediaType::native, 4}};
    for (auto [media, mtype] : cases) {
        bid_.mtype = media;
        EXPECT_EQ(uint64_t(first_bid(write_one())["mtype"]), mtype);
    }
}

TEST_F(BidResponseWriterTest, WithoutMarkupTheAdIsServedFromTheWinNotice) {
    bid_.adm = {};
    simdjson::dom::element bid = first_bid(write_one());
    EXPECT_EQ(bid["adm"].error(), simdjson::NO_SUCH_FIELD);
    EXPECT_FALSE(str(bid, "/nurl").empty());
}

TEST_F(BidResponseWriterTest, DealIdIsWrittenWhenTheBidIsForADeal) {
    bid_.deal_id = "AB-Agency1-0001";
    EXPECT_EQ(str(first_bid(write_one()), "/dealid"), "AB-Agency1-0001");
}

TEST_F(BidResponseWriterTest, MarkupWithQuotesBackslashesAndControlCharactersSurvives) {
    const std::string adm = "<a href=\"x\">\\n</a>\n\r\t\x01\x1f\b\f done \xc3\xa9";
    bid_.adm = adm;
    const std::string json = write_one();
    EXPECT_EQ(json.find('\n'), std::string::npos);  // no raw control characters on the wire
    EXPECT_NE(json.find("\\u0001"), std::string::npos);
    EXPECT_NE(json.find("\\u001F"), std::string::npos);
    EXPECT_EQ(str(first_bid(json), "/adm"), adm);
}

TEST_F(BidResponseWriterTest, EveryStringIsEscaped) {
    header_.request_id = "r\"1";
    bid_.imp_id = "i\\1";
    bid_.campaign_id = "c\n";
    adomain_[0] = "a\"b.com";
    const std::string json = write_one();
    simdjson::dom::element root;
    ASSERT_EQ(dom_.parse(json).get(root), simdjson::SUCCESS) << json;
    EXPECT_EQ(str(root, "/id"), "r\"1");
    simdjson::dom::element bid = first_bid(json);
    EXPECT_EQ(str(bid, "/impid"), "i\\1");
    EXPECT_EQ(str(bid, "/cid"), "c\n");
    EXPECT_EQ(str(bid, "/adomain/0"), "a\"b.com");
}

TEST_F(BidResponseWriterTest, NoticeUrlValuesArePercentEncoded) {
    bid_.bid_id = "a b&c=d";
    bid_.imp_id = "1/2?#";
    bid_.line_item_id = "li_7.x~-Z9";  // unreserved: kept as is
    bid_.creative_id = "\xc3\xa9\"%";
    simdjson::dom::element bid = first_bid(write_one());
    EXPECT_EQ(str(bid, "/nurl"),
              "http://127.0.0.1:8080/v1/notice/win?bid=a%20b%26c%3Dd&imp=1%2F2%3F%23&li=li_7.x~-Z9&cr=%C3%A9%22%25"
              "&price=${AUCTION_PRICE}");
    EXPECT_EQ(str(bid, "/burl"),
              "http://127.0.0.1:8080/v1/notice/bill?bid=a%20b%26c%3Dd&li=li_7.x~-Z9&price=${AUCTION_PRICE}");
    EXPECT_EQ(str(bid, "/lurl"),
              "http://127.0.0.1:8080/v1/notice/loss?bid=a%20b%26c%3Dd&li=li_7.x~-Z9&reason=${AUCTION_LOSS}");
    // The creative id stays readable (unencoded) where it is a JSON value.
    EXPECT_EQ(str(bid, "/crid"), "\xc3\xa9\"%");
}

TEST_F(BidResponseWriterTest, PricesAreDecimalToTheMicroWithoutExponents) {
    const std::pair<double, std::string_view> cases[] = {
        {1.25, "1.25"},
        {2.0, "2"},
        {0.000001, "0.000001"},
        {0.0000004, "0"},
        {0.1 + 0.2, "0.3"},
        {1234567.5, "1234567.5"},
        {1e-7, "0"},
        {12.3456789, "12.345679"},
        {100000000.0, "100000000"},
    };
    for (auto [price, text] : cases) {
        SCOPED_TRACE(text);
        bid_.price_cpm = price;
        const std::string json = write_one();
        std::string expected = "\"price\":";
        expected += text;
        expected += ',';
        EXPECT_NE(json.find(expected), std::string::npos) << json;
        EXPECT_NEAR(double(first_bid(json)["price"]), price, 5e-7);
    }
}

TEST_F(BidResponseWriterTest, PriceThatIsNotANumberWritesNothing) {
    char buf[4096];
    bid_.price_cpm = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(write_bid_response(header_, std::span<const BidOut>(&bid_, 1), buf, sizeof buf), 0u);
    bid_.price_cpm = std::numeric_limits<double>::infinity();
    EXPECT_EQ(write_bid_response(header_, std::span<const BidOut>(&bid_, 1), buf, sizeof buf), 0u);
}

TEST_F(BidResponseWriterTest, SeveralBidsShareOneSeat) {
    std::array<BidOut, 3> bids{bid_, bid_, bid_};
    bids[1].imp_id = "2";
    bids[1].mtype = MediaType::native;
    bids[1].w = bids[1].h = 0;
    bids[2].imp_id = "3";
    const std::string json = write(bids);
    simdjson::dom::element root;
    ASSERT_EQ(dom_.parse(json).get(root), simdjson::SUCCESS) << json;
    simdjson::dom::array seatbid = root["seatbid"];
    ASSERT_EQ(seatbid.size(), 1u);
    simdjson::dom::array list = root.at_pointer("/seatbid/0/bid");
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(str(root, "/seatbid/0/bid/2/impid"), "3");
    EXPECT_EQ(root.at_pointer("/seatbid/0/bid/1/w").error(), simdjson::NO_SUCH_FIELD);  // native: no size
}

TEST_F(BidResponseWriterTest, NoBidsIsAnEmptySeatbid) {
    const std::string json = write({});
    simdjson::dom::element root;
    ASSERT_EQ(dom_.parse(json).get(root), simdjson::SUCCESS) << json;
    EXPECT_EQ(simdjson::dom::array(root["seatbid"]).size(), 0u);
}

TEST_F(BidResponseWriterTest, TooSmallABufferReturnsZeroAndIsNeverOverrun) {
    const std::string full = write_one();
    ASSERT_GT(full.size(), 0u);
    constexpr char kGuard = '\x5a';
    for (std::size_t cap = 0; cap <= full.size(); ++cap) {
        SCOPED_TRACE(cap);
        std::vector<char> buf(cap + 64, kGuard);
        const std::size_t n = write_bid_response(header_, std::span<const BidOut>(&bid_, 1), buf.data(), cap);
        if (cap < full.size()) {
            EXPECT_EQ(n, 0u);
        } else {
            EXPECT_EQ(std::string_view(buf.data(), n), full);
        }
        for (std::size_t i = cap; i < buf.size(); ++i) ASSERT_EQ(buf[i], kGuard) << "written past cap at " << i;
    }
}

}  // namespace
}  // namespace bidline
