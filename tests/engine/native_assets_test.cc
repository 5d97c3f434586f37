// Native creatives against the request's assets (native_request.h): the
// reader takes both request forms and refuses malformed ones; required
// assets must be answered by kind, type, size and length, optional ones are
// answered when they can be; and through the bid path, a native imp gets
// the creative whose assets answer it, with the request's asset ids, or a
// no-bid counted as native_assets.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "bidline/engine/native_request.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

// The JSON-escaped form a bid request carries in imp.native.request.
std::string escaped(std::string_view native_request) {
    std::string out;
    for (char c : native_request) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

NativeAsks read_asks(std::string_view request, bool expect_ok = true) {
    NativeRequestReader reader(64 * 1024);
    NativeAsks asks;
    EXPECT_EQ(reader.read(escaped(request), asks), expect_ok) << request;
    return asks;
}

constexpr std::string_view kRequest =
    R"({"ver":"1.2","assets":[{"id":1,"required":1,"title":{"len":25}},)"
    R"({"id":2,"required":1,"img":{"type":3,"wmin":600,"hmin":300}},)"
    R"({"id":3,"required":0,"data":{"type":2,"len":90}},{"id":4,"img":{"type":1,"w":80,"h":80}}]})";

TEST(NativeAssets, TheReaderTakesTheRequestWithAndWithoutTheWrapper) {
    const NativeAsks plain = read_asks(kRequest);
    ASSERT_EQ(plain.count, 4u);
    EXPECT_EQ(plain.items[0].kind, NativeAssetKind::title);
    EXPECT_TRUE(plain.items[0].required);
    EXPECT_EQ(plain.items[0].len, 25u);
    EXPECT_EQ(plain.items[1].kind, NativeAssetKind::img);
    EXPECT_EQ(plain.items[1].wmin, 600);
    EXPECT_EQ(plain.items[2].kind, NativeAssetKind::data);
    EXPECT_FALSE(plain.items[2].required);
    EXPECT_EQ(plain.items[3].id, 4u);
    EXPECT_FALSE(plain.items[3].required);

    const NativeAsks wrapped = read_asks(R"({"native":)" + std::string(kRequest) + "}");
    ASSERT_EQ(wrapped.count, 4u);
    EXPECT_EQ(wrapped.items[1].hmin, 300);
}

TEST(NativeAssets, MalformedRequestsAreRefused) {
    read_asks(R"({"ver":"1.2","assets":[{"id":1,"title":{"len":25}})", false);  // truncated
    read_asks(R"({"ver":"1.2"})", false);                                        // no assets
    read_asks(R"({"assets":[{"required":1,"title":{"len":25}}]})", false);       // an asset without id
    read_asks(R"({"assets":[{"id":1,"title":{"len":"long"}}]})", false);         // a len that is no number
    read_asks("not json", false);
    NativeRequestReader reader(64 * 1024);
    NativeAsks asks;
    EXPECT_FALSE(reader.read(R"({\"assets\":[{\"id\":1,\"title\":{\"len\":25}}]})" "\\", asks));  // a dangling escape
}

NativeOffer title(std::uint32_t len) { return {NativeAssetKind::title, 0, 0, 0, len}; }
NativeOffer image(std::uint8_t type, std::uint16_t w, std::uint16_t h) { return {NativeAssetKind::img, type, w, h, 0}; }
NativeOffer data(std::uint8_t type, std::uint32_t len) { return {NativeAssetKind::data, type, 0, 0, len}; }

TEST(NativeAssets, RequiredAssetsMustBeAnsweredByKindTypeSizeAndLength) {
    const NativeAsks asks = read_asks(kRequest);
    NativeAnswer a;
    // A title within len and a main image at least 600x300: the required ones.
    std::vector<NativeOffer> offers = {image(3, 1200, 627), title(20)};
    ASSERT_TRUE(answer_native(offers, asks, a));
    EXPECT_EQ(a.request_id[0], 2u);
    EXPECT_EQ(a.request_id[1], 1u);

    EXPECT_FALSE(answer_native(std::vector{image(3, 1200, 627), title(26)}, asks, a)) << "title over len";
    EXPECT_FALSE(answer_native(std::vector{image(3, 599, 627), title(20)}, asks, a)) << "image under wmin";
    EXPECT_FALSE(answer_native(std::vector{image(1, 1200, 627), title(20)}, asks, a)) << "an icon for a main image";
    EXPECT_FALSE(answer_native(std::vector{title(20)}, asks, a)) << "no image";
    EXPECT_FALSE(answer_native(std::vector{image(3, 1200, 627), data(2, 10)}, asks, a)) << "data is no title";
}

TEST(NativeAssets, OptionalAssetsAreAnsweredWhenACreativeAssetFits) {
    const NativeAsks asks = read_asks(kRequest);
    NativeAnswer a;
    // Description (data type 2) within 90, and an 80x80 icon: both optional, both answered.
    ASSERT_TRUE(answer_native(std::vector{title(20), image(3, 1200, 627), data(2, 90), image(1, 80, 80), data(1, 5)}, asks, a));
    EXPECT_EQ(a.request_id[2], 3u);
    EXPECT_EQ(a.request_id[3], 4u);
    EXPECT_EQ(a.request_id[4], NativeAnswer::kNotServed) << "sponsoredBy was not asked for";
    // Too long a description or a wrong icon size: left out, the ad still serves.
    ASSERT_TRUE(answer_native(std::vector{title(20), image(3, 1200, 627), data(2, 91), image(1, 64, 64)}, asks, a));
    EXPECT_EQ(a.request_id[2], NativeAnswer::kNotServed);
    EXPECT_EQ(a.request_id[3], NativeAnswer::kNotServed);
}

// ---- Through the bid path ---------------------------------------------------

constexpr std::string_view kNativeCreative =
    R"({"native":{"ver":"1.2","assets":[{"id":1,"title":{"text":"Stream every season"}},)"
    R"({"id":2,"img":{"url":"https://cdn.example/hero.jpg","w":1200,"h":627}},{"id":3,"data":{"type":2,"value":"First month free."}}],)"
    R"("link":{"url":"https://example.tv/join"}}})";

std::string native_imp(std::string_view native_request) {
    return R"({"id":"1","native":{"ver":"1.2","request":")" + escaped(native_request) + R"("}})";
}

Config native_config() {
    test::CreativeSpec native = test::native_ad();
    native.markup = std::string(kNativeCreative);
    return test::make_config({{.id = "li-native", .creatives = {native}}});
}

TEST(NativeAssets, ABidCarriesTheCreativesResponseWithTheRequestsAssetIds) {
    test::TestEngine e(native_config());
    e.control.tick();
    const std::string request = R"({"ver":"1.2","assets":[{"id":10,"required":1,"title":{"len":30}},)"
                                R"({"id":11,"required":1,"img":{"type":3,"w":1200,"h":627}},{"id":12,"data":{"type":1}}]})";
    const BidAnswer a = e.bid(test::request_json(native_imp(request), test::kSite));
    ASSERT_EQ(a.status, 200) << to_string(e.bids.last_no_bid_reason());
    simdjson::dom::parser p;
    std::string_view adm;
    ASSERT_EQ(p.parse(a.body)["seatbid"].at(0)["bid"].at(0)["adm"].get_string().get(adm), simdjson::SUCCESS);
    EXPECT_EQ(adm, R"({"native":{"ver":"1.2","assets":[{"id":10,"title":{"text":"Stream every season"}},)"
                   R"({"id":11,"img":{"url":"https://cdn.example/hero.jpg","w":1200,"h":627}}],"link":{"url":"https://example.tv/join"}}})");
}

TEST(NativeAssets, ARequiredAssetTheCreativeLacksIsANoBid) {
    test::TestEngine e(native_config());
    e.control.tick();
    // A required sponsoredBy (data type 1): the creative has none.
    const std::string request = R"({"assets":[{"id":1,"required":1,"title":{"len":30}},{"id":2,"required":1,"data":{"type":1}}]})";
    EXPECT_EQ(e.bid(test::request_json(native_imp(request), test::kSite)).status, 204);
    EXPECT_EQ(e.bids.last_no_bid_reason(), NoBidReason::native_assets);
    // A title of at most 10 characters: this one has 19.
    EXPECT_EQ(e.bid(test::request_json(native_imp(R"({"assets":[{"id":1,"required":1,"title":{"len":10}}]})"), test::kSite)).status, 204);
    EXPECT_EQ(e.no_bids(NoBidReason::native_assets), 2u);
}

TEST(NativeAssets, AnUnreadableNativeRequestIsANoBidAndCounted) {
    test::TestEngine e(native_config());
    e.control.tick();
    EXPECT_EQ(e.bid(test::request_json(native_imp(R"({"assets":[{"id":1,"title")"), test::kSite)).status, 204);
    EXPECT_EQ(e.bids.last_no_bid_reason(), NoBidReason::native_assets);
    EXPECT_EQ(read(e.shard.counters.bad_native_requests), 1u);
}

TEST(NativeAssets, ATemplateBidCarriesItsRenderedVariants) {
    test::CreativeSpec tpl = test::banner(300, 250);
    tpl.markup = R"(<a href="{{landing}}"><b>{{headline}}</b> ${AUCTION_PRICE}</a>)";
    tpl.extra = "[line_item.creative.slots]\nheadline = [\"<i>50% & more</i>\"]\nlanding = [\"https://acme.example/?a=1&b=2\"]\n";
    test::TestEngine e(test::make_config({{.id = "li-tpl", .creatives = {tpl}}}));
    e.control.tick();
    const BidAnswer a = e.bid(test::request_json(test::kBannerImp, test::kSite));
    ASSERT_EQ(a.status, 200);
    simdjson::dom::parser p;
    std::string_view adm;
    ASSERT_EQ(p.parse(a.body)["seatbid"].at(0)["bid"].at(0)["adm"].get_string().get(adm), simdjson::SUCCESS);
    EXPECT_EQ(adm, R"(<a href="https://acme.example/?a=1&amp;b=2"><b>&lt;i&gt;50% &amp; more&lt;/i&gt;</b> ${AUCTION_PRICE}</a>)");
    // The bid event names the variants served: slot 0 (headline) and 1 (landing), variant 0 each.
    ShardEvent bid;
    ASSERT_TRUE(e.shard.events.try_pop(bid));
    EXPECT_EQ(bid.variants[0], 0);
    EXPECT_EQ(bid.variants[1], 0);
    EXPECT_EQ(bid.variants[2], kNoVariant);
}

}  // namespace
}  // namespace bidline
