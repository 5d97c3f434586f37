// The OpenRTB parser on hand-written requests: each rejection an exchange
// would see as a 400 (with the field it names), the leniency real traffic
// needs, the 2.5 `ext` locations against their 2.6 ones, and the lifetime
// and capacity rules of the views it fills.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "bidline/engine/openrtb_parser.h"
#include "support/fixtures.h"

namespace bidline {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kMinimal = R"({"id":"r1","imp":[{"id":"1","banner":{"w":300,"h":250}}]})";

struct Parsed {
    OpenRtbError error;
    std::string_view code() const { return to_string(error.code); }
    std::string_view detail() const { return error.detail; }
};

class OpenRtbParserTest : public ::testing::Test {
protected:
    Parsed parse(std::string_view json) {
        Parsed p{parser_.parse(json, request_)};
        return p;
    }
    // Parses and expects success, reporting the error otherwise.
    const BidRequestView& parse_ok(std::string_view json) {
        const OpenRtbError error = parser_.parse(json, request_);
        EXPECT_FALSE(error) << to_string(error.code) << ": " << error.message << " at " << error.detail;
        return request_;
    }

    OpenRtbParser parser_;
    BidRequestView request_;
};

TEST_F(OpenRtbParserTest, MinimalRequestParses) {
    const BidRequestView& r = parse_ok(kMinimal);
    EXPECT_EQ(r.id, "r1");
    ASSERT_EQ(r.imps.size(), 1u);
    EXPECT_EQ(r.imps.items[0].banner.w, 300);
    EXPECT_FALSE(r.site.present);
    EXPECT_EQ(r.at, AuctionType::second_price);  // the OpenRTB default
}

TEST_F(OpenRtbParserTest, NonJsonIsRejected) {
    for (std::string_view text : {""sv, "hello"sv, "{"sv, "{\"id\":\"r1\""sv, "{\"id\":\"r1}"sv, "{\"id\" \"r1\"}"sv,
                                  "{\"id\":\"r1\",}"sv, "\x01\x02"sv}) {
        SCOPED_TRACE(text);
        const Parsed p = parse(text);
        EXPECT_EQ(p.code(), "not_json");
        EXPECT_FALSE(p.error.message.empty());
    }
}

TEST_F(OpenRtbParserTest, EveryTruncationOfAValidRequestIsRejectedAsNotJson) {
    const std::string json = test::read_file(test::simple_banner_request_file());
    for (std::size_t len = 0; len + 1 < json.size(); ++len) {
        // Trailing whitespace after the closing brace is still the whole request.
        if (json.find_first_not_of(" \n\r\t", len) == std::string::npos) break;
        SCOPED_TRACE(len);
        EXPECT_EQ(parse(std::string_view(json).substr(0, len)).code(), "not_json");
    }
    EXPECT_EQ(parse(json).code(), "ok");
}

// Any single-byte corruption gives an answer (a request or a coded error with
// a message), never a crash or a read outside the buffers (run under ASan).
TEST_F(OpenRtbParserTest, CorruptedRequestsGiveACodedAnswer) {
    const std::string original = test::read_file(test::simple_banner_request_file());
    for (std::size_t i = 0; i < original.size(); ++i) {
        for (char replacement : {'"', '{', '}', '[', ']', ':', ',', '\\', '0', 'x', '\0', '\x80'}) {
            std::string json = original;
            json[i] = replacement;
            const OpenRtbError error = parser_.parse(json, request_);
            if (error) {
                ASSERT_FALSE(error.message.empty()) << i << " " << replacement;
                ASSERT_NE(to_string(error.code), "unknown");
            }
        }
    }
}

TEST_F(OpenRtbParserTest, TrailingContentIsRejected) {
    std::string json(kMinimal);
    EXPECT_EQ(parse(json + " \n").code(), "ok");
    json += " {}";
    EXPECT_EQ(parse(json).code(), "not_json");
}

TEST_F(OpenRtbParserTest, TopLevelThatIsNotAnObjectIsRejected) {
    for (std::string_view text : {"[]"sv, R"([{"id":"r1"}])"sv, "42"sv, R"("r1")"sv, "null"sv, "true"sv}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parse(text).code(), "not_object");
    }
}

TEST_F(OpenRtbParserTest, MissingOrEmptyIdIsRejected) {
    Parsed p = parse(R"({"imp":[{"id":"1","banner":{}}]})");
    EXPECT_EQ(p.code(), "missing_id");
    EXPECT_EQ(p.detail(), "id");
    EXPECT_EQ(parse(R"({"id":"","imp":[{"id":"1","banner":{}}]})").code(), "missing_id");
    EXPECT_EQ(parse(R"({"id":null,"imp":[{"id":"1","banner":{}}]})").code(), "missing_id");
}

TEST_F(OpenRtbParserTest, MissingOrEmptyImpIsRejected) {
    Parsed p = parse(R"({"id":"r1"})");
    EXPECT_EQ(p.code(), "missing_imp");
    EXPECT_EQ(p.detail(), "imp");
    EXPECT_EQ(p.error.message, "request has no imp");
    p = parse(R"({"id":"r1","imp":[]})");
    EXPECT_EQ(p.code(), "missing_imp");
    EXPECT_EQ(p.error.message, "imp is empty");
}

TEST_F(OpenRtbParserTest, ImpWithoutIdIsRejected) {
    Parsed p = parse(R"({"id":"r1","imp":[{"id":"1","banner":{}},{"banner":{}}]})");
    EXPECT_EQ(p.code(), "imp_missing_id");
    EXPECT_EQ(p.detail(), "imp[1]");
}

TEST_F(OpenRtbParserTest, ImpWithoutMediaIsRejected) {
    Parsed p = parse(R"({"id":"r1","imp":[{"id":"1","bidfloor":1.0}]})");
    EXPECT_EQ(p.code(), "imp_no_media");
    EXPECT_EQ(p.detail(), "imp[0]");
    // null is "absent", so it does not count as a media object either.
    EXPECT_EQ(parse(R"({"id":"r1","imp":[{"id":"1","banner":null}]})").code(), "imp_no_media");
}

TEST_F(OpenRtbParserTest, EachMediaTypeAloneIsEnough) {
    for (std::string_view media : {"banner"sv, "video"sv, "audio"sv, "native"sv}) {
        SCOPED_TRACE(media);
        std::string json = R"({"id":"r1","imp":[{"id":"1",")";
        json += media;
        json += R"(":{}}]})";
        EXPECT_EQ(parse(json).code(), "ok");
    }
}

TEST_F(OpenRtbParserTest, DuplicateImpIdsAreRejected) {
    Parsed p = parse(R"({"id":"r1","imp":[{"id":"a","banner":{}},{"id":"b","banner":{}},{"id":"a","video":{}}]})");
    EXPECT_EQ(p.code(), "duplicate_imp_id");
    EXPECT_EQ(p.detail(), "imp[2]");
}

TEST_F(OpenRtbParserTest, SiteAndAppTogetherAreRejected) {
    Parsed p = parse(R"({"id":"r1","site":{"domain":"a.com"},"imp":[{"id":"1","banner":{}}],"app":{"bundle":"b"}})");
    EXPECT_EQ(p.code(), "site_and_app");
    EXPECT_EQ(p.detail(), "app");
    // A null app is no app.
    EXPECT_EQ(parse(R"({"id":"r1","site":{},"app":null,"imp":[{"id":"1","banner":{}}]})").code(), "ok");
}

TEST_F(OpenRtbParserTest, KnownFieldOfTheWrongTypeIsRejectedWithItsPath) {
    struct Case {
        std::string_view json;
        std::string_view detail;
    };
    const Case cases[] = {
        {R"({"id":"r1","imp":"x"})", "imp"},
        {R"({"id":"r1","imp":[1]})", "imp[0]"},
        {R"({"id":7,"imp":[{"id":"1","banner":{}}]})", "id"},
        {R"({"id":"r1","tmax":"fast","imp":[{"id":"1","banner":{}}]})", "tmax"},
        {R"({"id":"r1","imp":[{"id":"1","banner":[]}]})", "imp[0].banner"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{"w":"300"}}]})", "imp[0].banner.w"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{"w":300.5}}]})", "imp[0].banner.w"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{"w":-1}}]})", "imp[0].banner.w"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{"w":70000}}]})", "imp[0].banner.w"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{"format":[{"w":1},{"h":{}}]}}]})", "imp[0].banner.format[1].h"},
        {R"({"id":"r1","imp":[{"id":"1","video":{"mimes":["video/mp4",4]}}]})", "imp[0].video.mimes[1]"},
        {R"({"id":"r1","imp":[{"id":"1","bidfloor":"0.5","banner":{}}]})", "imp[0].bidfloor"},
        {R"({"id":"r1","imp":[{"id":"1","secure":"yes","banner":{}}]})", "imp[0].secure"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{},"pmp":{"deals":[{"id":"d","bidfloor":[]}]}}]})",
         "imp[0].pmp.deals[0].bidfloor"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"site":"example.com"})", "site"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"device":{"geo":{"lat":"north"}}})", "device.geo.lat"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"user":{"ext":{"consent":1}}})", "user.ext.consent"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"regs":{"ext":{"gdpr":"1"}}})", "regs.ext.gdpr"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"source":{"schain":{"nodes":{}}}})", "source.schain.nodes"},
        {R"({"id":"r1","imp":[{"id":"1","banner":{}}],"bcat":["IAB1",null,3]})", "bcat[2]"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.json);
        const Parsed p = parse(c.json);
        EXPECT_EQ(p.code(), "wrong_type") << p.error.message;
        EXPECT_EQ(p.detail(), c.detail);
        EXPECT_FALSE(p.error.message.empty());
    }
}

TEST_F(OpenRtbParserTest, UnknownFieldsAnywhereAreSkipped) {
    const BidRequestView& r = parse_ok(R"({
        "x-unknown": {"deep": [1, {"a": [null, true, "s\"q"]}]},
        "id": "r1",
        "imp": [{"id": "1", "ext": {"prebid": {"any": [1, 2]}}, "rwdd": 1,
                 "banner": {"btype": [1], "w": 320, "h": 50, "vcm": 1}}],
        "ext": {"prebid": {"targeting": {}}, "tid": 5},
        "site": {"content": {"data": [{"segment": [{"id": "1"}]}]}, "domain": "a.com"}
    })");
    EXPECT_EQ(r.id, "r1");
    EXPECT_EQ(r.imps.items[0].banner.w, 320);
    EXPECT_EQ(r.site.domain, "a.com");
}

TEST_F(OpenRtbParserTest, NullFieldsReadAsAbsent) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","tmax":null,"bcat":null,"device":null,"user":{"geo":null},
        "imp":[{"id":"1","video":null,"banner":{"w":null,"format":null},"bidfloor":null}]})");
    EXPECT_EQ(r.tmax_ms, 0u);
    EXPECT_TRUE(r.imps.items[0].banner.present);
    EXPECT_FALSE(r.imps.items[0].video.present);
}

TEST_F(OpenRtbParserTest, IntegralFloatsAreAcceptedForIntegerFields) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","tmax":120.0,"at":1.0,
        "imp":[{"id":"1","banner":{"w":300.0,"h":2.5e2}}]})");
    EXPECT_EQ(r.tmax_ms, 120u);
    EXPECT_EQ(r.at, AuctionType::first_price);
    EXPECT_EQ(r.imps.items[0].banner.w, 300);
    EXPECT_EQ(r.imps.items[0].banner.h, 250);
}

TEST_F(OpenRtbParserTest, IntegersAreAcceptedForDoubleFields) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","imp":[{"id":"1","bidfloor":2,"banner":{}}],
        "device":{"geo":{"lat":-33,"lon":151}}})");
    EXPECT_DOUBLE_EQ(r.imps.items[0].bidfloor, 2.0);
    EXPECT_DOUBLE_EQ(r.device.geo.lat, -33.0);
    EXPECT_DOUBLE_EQ(r.device.geo.lon, 151.0);
}

TEST_F(OpenRtbParserTest, FlagsAcceptIntsAndBooleans) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","test":1,"imp":[{"id":"1","secure":true,"instl":0,"banner":{}}],
        "device":{"lmt":false,"dnt":1},"regs":{"coppa":1,"gdpr":0}})");
    EXPECT_TRUE(r.test);
    EXPECT_TRUE(r.imps.items[0].secure);
    EXPECT_FALSE(r.imps.items[0].instl);
    EXPECT_EQ(r.device.lmt, std::optional<bool>(false));
    EXPECT_EQ(r.device.dnt, std::optional<bool>(true));
    EXPECT_TRUE(r.regs.coppa);
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(false));
}

TEST_F(OpenRtbParserTest, EscapedStringsAndKeysAreUnescaped) {
    const BidRequestView& r = parse_ok(R"({"\u0069d":"r\"1","imp":[{"id":"\u00e9","banner":{}}],
        "site":{"page":"http:\/\/a.com\/p?q=\"x\"","name":"caf\u00e9 \ud83d\ude00"}})");
    EXPECT_EQ(r.id, "r\"1");
    EXPECT_EQ(r.imps.items[0].id, "\xc3\xa9");
    EXPECT_EQ(r.site.page, "http://a.com/p?q=\"x\"");
    EXPECT_EQ(r.site.name, "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST_F(OpenRtbParserTest, Locations26WinOver25ExtWhateverTheOrder) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","imp":[{"id":"1","banner":{}}],
        "regs":{"ext":{"gdpr":0,"us_privacy":"1YNN","gpp":"old","gpp_sid":[9]},"gdpr":1,"us_privacy":"1NNN",
                "gpp":"DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA","gpp_sid":[2,6]},
        "user":{"ext":{"consent":"old","eids":[{},{},{}]},"consent":"new","eids":[{"source":"a.com"}]},
        "source":{"ext":{"schain":{"complete":0,"nodes":[{},{}]}},"schain":{"complete":1,"nodes":[{}]}},
        "ext":{"schain":{"complete":0,"nodes":[{},{},{}]}}})");
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(true));
    EXPECT_EQ(r.regs.us_privacy, "1NNN");
    EXPECT_EQ(r.regs.gpp, "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA");
    ASSERT_EQ(r.regs.gpp_sid.size(), 2u);
    EXPECT_EQ(r.regs.gpp_sid.items[1], 6);
    EXPECT_EQ(r.user.consent, "new");
    EXPECT_EQ(r.user.eids, 1);
    EXPECT_EQ(r.source.schain_nodes, 1);
    EXPECT_TRUE(r.source.schain_complete);
}

TEST_F(OpenRtbParserTest, Ext25LocationsFillAbsent26Fields) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","imp":[{"id":"1","banner":{}}],
        "regs":{"ext":{"gdpr":1,"us_privacy":"1YNN","gpp":"DBACNY~1YNN","gpp_sid":[7,8]}},
        "user":{"ext":{"consent":"CPXxRfAPXxRfA","eids":[{},{}]}},
        "source":{"ext":{"schain":{"complete":1,"nodes":[{},{},{}]}}}})");
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(true));
    EXPECT_EQ(r.regs.us_privacy, "1YNN");
    EXPECT_EQ(r.regs.gpp, "DBACNY~1YNN");
    ASSERT_EQ(r.regs.gpp_sid.size(), 2u);
    EXPECT_EQ(r.regs.gpp_sid.items[0], 7);
    EXPECT_EQ(r.user.consent, "CPXxRfAPXxRfA");
    EXPECT_EQ(r.user.eids, 2);
    EXPECT_EQ(r.source.schain_nodes, 3);
    EXPECT_TRUE(r.source.schain_complete);
}

TEST_F(OpenRtbParserTest, GdprAbsentEverywhereStaysUnknown) { EXPECT_FALSE(parse_ok(kMinimal).regs.gdpr.has_value()); }

TEST_F(OpenRtbParserTest, ExtThatIsNotAnObjectIsIgnored) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","imp":[{"id":"1","banner":{}}],
        "regs":{"ext":"x","gdpr":1},"user":{"ext":[1]},"source":{"ext":"test-ext"},"ext":5})");
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(true));
}

TEST_F(OpenRtbParserTest, VideoPlcmtWinsOverPlacementAndOldProtocolIsKept) {
    const BidRequestView& r = parse_ok(R"({"id":"r1","imp":[{"id":"1",
        "video":{"plcmt":2,"placement":5,"protocol":3,"mimes":["video/mp4"]}},
        {"id":"2","video":{"placement":5}}]})");
    EXPECT_EQ(r.imps.items[0].video.placement, 2);
    ASSERT_EQ(r.imps.items[0].video.protocols.size(), 1u);
    EXPECT_EQ(r.imps.items[0].video.protocols.items[0], 3);
    EXPECT_EQ(r.imps.items[1].video.placement, 5);
}

TEST_F(OpenRtbParserTest, ListsBeyondCapacityAreCountedAsDropped) {
    std::string json = R"({"id":"r1","imp":[)";
    for (int i = 0; i < 10; ++i) {
        if (i > 0) json += ',';
        json += R"({"id":"i)";
        json += std::to_string(i);
        json += R"(","banner":{}})";
    }
    json += R"(],"cur":["A","B","C","D","E","F","G","H","I"]})";
    const BidRequestView& r = parse_ok(json);
    EXPECT_EQ(r.imps.size(), 8u);
    EXPECT_EQ(r.imps.dropped, 2);
    EXPECT_EQ(r.imps.items[7].id, "i7");
    EXPECT_EQ(r.cur.size(), 8u);
    EXPECT_EQ(r.cur.dropped, 1);
}

TEST_F(OpenRtbParserTest, DroppedImpsAreStillValidated) {
    std::string json = R"({"id":"r1","imp":[)";
    for (int i = 0; i < 9; ++i) {
        json += R"({"id":"i)";
        json += std::to_string(i);
        json += R"(","banner":{}},)";
    }
    json += R"({"id":"i9"}]})";
    const Parsed p = parse(json);
    EXPECT_EQ(p.code(), "imp_no_media");
    EXPECT_EQ(p.detail(), "imp[9]");
    json.replace(json.find(R"({"id":"i9"})"), 11, R"({"id":"i3","banner":{}})");
    EXPECT_EQ(parse(json).code(), "duplicate_imp_id");
}

TEST_F(OpenRtbParserTest, AuctionTypesMapToFirstOrSecondPrice) {
    EXPECT_EQ(parse_ok(R"({"id":"r","at":1,"imp":[{"id":"1","banner":{}}]})").at, AuctionType::first_price);
    EXPECT_EQ(parse_ok(R"({"id":"r","at":2,"imp":[{"id":"1","banner":{}}]})").at, AuctionType::second_price);
    // Exchange-specific types (500+) are read as the OpenRTB default.
    EXPECT_EQ(parse_ok(R"({"id":"r","at":501,"imp":[{"id":"1","banner":{}}]})").at, AuctionType::second_price);
}

TEST_F(OpenRtbParserTest, ViewsPointIntoTheParserNotTheCallersBuffer) {
    std::string json = R"({"id":"req-42","imp":[{"id":"1","banner":{}}],"site":{"domain":"example.com"}})";
    const BidRequestView& r = parse_ok(json);
    json.assign(json.size(), 'x');  // the caller reuses its buffer for the next read
    EXPECT_EQ(r.id, "req-42");
    EXPECT_EQ(r.site.domain, "example.com");
}

TEST_F(OpenRtbParserTest, ParsingAgainReplacesEverythingFromThePreviousRequest) {
    parse_ok(R"({"id":"first","imp":[{"id":"1","banner":{}},{"id":"2","video":{}}],"site":{"domain":"a.com"},
        "regs":{"ext":{"gdpr":1}},"tmax":100})");
    const BidRequestView& r = parse_ok(R"({"id":"second","imp":[{"id":"9","native":{}}],"app":{"bundle":"b"}})");
    EXPECT_EQ(r.id, "second");
    ASSERT_EQ(r.imps.size(), 1u);
    EXPECT_FALSE(r.imps.items[0].banner.present);
    EXPECT_TRUE(r.imps.items[0].native.present);
    EXPECT_FALSE(r.site.present);
    EXPECT_TRUE(r.site.domain.empty());
    EXPECT_FALSE(r.regs.gdpr.has_value());
    EXPECT_EQ(r.tmax_ms, 0u);
}

TEST_F(OpenRtbParserTest, RequestsLargerThanTheCapacityAreRejected) {
    OpenRtbParser small(64);
    BidRequestView r;
    const std::string json =
        R"({"id":"r1","imp":[{"id":"1","banner":{}}],"site":{"domain":"a-long-domain.example.com"}})";
    ASSERT_GT(json.size(), 64u);
    EXPECT_EQ(small.parse(json, r).code, OpenRtbErrc::too_large);
    EXPECT_FALSE(small.parse(kMinimal, r));  // still usable afterwards
}

TEST_F(OpenRtbParserTest, ErrorsNameTheirCode) {
    EXPECT_EQ(to_string(OpenRtbErrc::ok), "ok");
    EXPECT_EQ(to_string(OpenRtbErrc::duplicate_imp_id), "duplicate_imp_id");
    EXPECT_EQ(to_string(OpenRtbErrc::too_large), "too_large");
}

}  // namespace
}  // namespace bidline
