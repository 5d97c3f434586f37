// The OpenRTB parser against real requests: every example of the OpenRTB
// specifications and every Prebid Server fixture either parses, or breaks a
// rule of the spec that is named here; and known files yield known values.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "bidline/engine/openrtb_parser.h"
#include "support/fixtures.h"

namespace bidline {
namespace {

using namespace std::string_view_literals;

struct InvalidFixture {
    std::string_view file;
    OpenRtbErrc code;
    std::string_view detail;  // the field path the parser reports
    std::string_view rule;    // what the file does that OpenRTB does not allow
};

// The fixtures that must be rejected, and why. `fixed__` versions of the
// validator examples exist for most of these and parse.
constexpr InvalidFixture kInvalidFixtures[] = {
    {"v1_0__bid_requests__full_bid_request_app.json", OpenRtbErrc::imp_missing_id, "imp[0]",
     "OpenRTB 1.0 called the imp id `impid`; 2.x requires imp.id"},
    {"v1_0__bid_requests__full_bid_request_site.json", OpenRtbErrc::imp_missing_id, "imp[0]",
     "OpenRTB 1.0 called the imp id `impid`; 2.x requires imp.id"},
    {"v2_0__bid_requests__example4_video.json", OpenRtbErrc::wrong_type, "imp[0].video.protocol",
     "video.protocol is an integer in 2.0-2.2; the example sends an array"},
    {"v2_1__bid_requests__example4_video.json", OpenRtbErrc::wrong_type, "imp[0].video.protocol",
     "video.protocol is an integer in 2.0-2.2; the example sends an array"},
    {"v2_2__bid_requests__example4_video.json", OpenRtbErrc::wrong_type, "imp[0].video.protocol",
     "video.protocol is an integer in 2.0-2.2; the example sends an array"},
    {"v2_2__bid_requests__example1_simple_banner.json", OpenRtbErrc::wrong_type, "site.cat",
     "site.cat is an array of strings; the example sends one string"},
    {"v2_2__bid_requests__example2_expandable_creative.json", OpenRtbErrc::wrong_type, "site.cat",
     "site.cat is an array of strings; the example sends one string"},
    {"v2_2__bid_requests__example5_pmp_with_direct_deal.json", OpenRtbErrc::wrong_type, "site.cat",
     "site.cat is an array of strings; the example sends one string"},
    {"v2_2__bid_requests__example3_mobile.json", OpenRtbErrc::wrong_type, "user.yob",
     "user.yob is an integer; the example sends the string \"1984\""},
    {"adgeneration__exemplary__single-banner-android__mockBidRequest.json", OpenRtbErrc::site_and_app, "app",
     "a request has a site or an app, not both (2.6 section 3.2.1)"},
    {"mediasquare__exemplary__multi-format__mockBidRequest.json", OpenRtbErrc::site_and_app, "site",
     "a request has a site or an app, not both (2.6 section 3.2.1)"},
    {"silverpush__exemplary__banner-without-w-h__expectedRequest.json", OpenRtbErrc::site_and_app, "site",
     "a request has a site or an app, not both (2.6 section 3.2.1)"},
    {"smartadserver__exemplary__native-app__expectedRequest.json", OpenRtbErrc::site_and_app, "site",
     "a request has a site or an app, not both (2.6 section 3.2.1)"},
    {"visiblemeasures__supplemental__bad_media_type__expectedRequest.json", OpenRtbErrc::imp_no_media, "imp[0]",
     "an imp offers at least one of banner, video, audio, native"},
};

const InvalidFixture* find_invalid(std::string_view file) {
    for (const InvalidFixture& f : kInvalidFixtures)
        if (f.file == file) return &f;
    return nullptr;
}

void expect_parses_or_breaks_named_rule(const std::filesystem::path& path, std::set<std::string>& rejected) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    const std::string json = test::read_file(path);
    OpenRtbParser parser;
    BidRequestView request;
    const OpenRtbError error = parser.parse(json, request);
    if (const InvalidFixture* invalid = find_invalid(name)) {
        SCOPED_TRACE(invalid->rule);
        EXPECT_EQ(to_string(error.code), to_string(invalid->code)) << error.message << " at " << error.detail;
        EXPECT_EQ(std::string_view(error.detail), invalid->detail);
        rejected.insert(name);
    } else {
        EXPECT_EQ(to_string(error.code), "ok") << error.message << " at " << error.detail;
        EXPECT_FALSE(request.id.empty());
        EXPECT_GT(request.imps.size(), 0u);
    }
}

TEST(OpenRtbParserCorpus, EverySpecExampleParsesOrBreaksANamedRule) {
    std::set<std::string> rejected;
    for (const auto& path : test::openrtb_request_files()) expect_parses_or_breaks_named_rule(path, rejected);
    for (const auto& path : test::prebid_request_files()) expect_parses_or_breaks_named_rule(path, rejected);
    // Every entry of the table names a file that exists and was rejected.
    for (const InvalidFixture& f : kInvalidFixtures) EXPECT_TRUE(rejected.count(std::string(f.file))) << f.file;
}

class OpenRtbParserFixture : public ::testing::Test {
protected:
    const BidRequestView& parse_file(const std::filesystem::path& path) {
        json_ = test::read_file(path);
        const OpenRtbError error = parser_.parse(json_, request_);
        EXPECT_FALSE(error) << to_string(error.code) << ": " << error.message << " at " << error.detail;
        return request_;
    }
    const BidRequestView& parse_spec(std::string_view file) {
        return parse_file(test::shared_data_dir() / "openrtb" / "requests" / file);
    }
    const BidRequestView& parse_prebid(std::string_view file) {
        return parse_file(test::shared_data_dir() / "prebid-requests" / file);
    }

    OpenRtbParser parser_;
    BidRequestView request_;
    std::string json_;
};

TEST_F(OpenRtbParserFixture, SpecSimpleBannerYieldsItsImpSiteAndAuction) {
    const BidRequestView& r = parse_file(test::simple_banner_request_file());
    EXPECT_EQ(r.id, "80ce30c53c16e6ede735f123ef6e32361bfc7b22");
    EXPECT_EQ(r.at, AuctionType::first_price);
    ASSERT_EQ(r.cur.size(), 1u);
    EXPECT_EQ(r.cur.items[0], "USD");
    ASSERT_EQ(r.imps.size(), 1u);
    const ImpView& imp = r.imps.items[0];
    EXPECT_EQ(imp.id, "1");
    EXPECT_DOUBLE_EQ(imp.bidfloor, 0.03);
    EXPECT_TRUE(imp.banner.present);
    EXPECT_EQ(imp.banner.w, 300);
    EXPECT_EQ(imp.banner.h, 250);
    EXPECT_FALSE(imp.video.present);
    EXPECT_TRUE(r.site.present);
    EXPECT_FALSE(r.app.present);
    EXPECT_EQ(r.site.id, "102855");
    EXPECT_EQ(r.site.domain, "www.foobar.com");
    EXPECT_EQ(r.site.page, "http://www.foobar.com/1234.html");
    ASSERT_EQ(r.site.cat.size(), 1u);
    EXPECT_EQ(r.site.cat.items[0], "IAB3-1");
    EXPECT_EQ(r.site.publisher.id, "8953");
    EXPECT_EQ(r.site.publisher.domain, "foobar.com");
    EXPECT_EQ(r.user.id, "55816b39711f9b5acf3b90e313ed29e51665623f");
    EXPECT_EQ(r.tmax_ms, 0u);
}

TEST_F(OpenRtbParserFixture, SpecVideoExampleYieldsMimesDurationsAndProtocols) {
    const BidRequestView& r = parse_spec("ortb26_6_2_4_request_example_4_video.json");
    EXPECT_EQ(r.at, AuctionType::second_price);
    EXPECT_EQ(r.tmax_ms, 120u);
    ASSERT_EQ(r.imps.size(), 1u);
    const VideoView& video = r.imps.items[0].video;
    ASSERT_TRUE(video.present);
    EXPECT_FALSE(r.imps.items[0].banner.present);
    EXPECT_EQ(video.w, 640);
    EXPECT_EQ(video.h, 480);
    EXPECT_EQ(video.minduration, 5u);
    EXPECT_EQ(video.maxduration, 30u);
    EXPECT_EQ(video.pos, 1);
    ASSERT_EQ(video.mimes.size(), 3u);
    EXPECT_EQ(video.mimes.items[0], "video/x-flv");
    EXPECT_EQ(video.mimes.items[1], "video/mp4");
    EXPECT_EQ(video.mimes.items[2], "application/javascript");
    ASSERT_EQ(video.protocols.size(), 2u);
    EXPECT_EQ(video.protocols.items[0], 2);
    EXPECT_EQ(video.protocols.items[1], 3);
}

TEST_F(OpenRtbParserFixture, NativeRequestIsKeptAsItsEscapedJsonString) {
    const BidRequestView& r = parse_spec("v2_5__bid_requests__example6_native_ad.json");
    ASSERT_EQ(r.imps.size(), 1u);
    const NativeView& native = r.imps.items[0].native;
    ASSERT_TRUE(native.present);
    EXPECT_EQ(native.ver, "1.0");
    EXPECT_EQ(native.request, R"({\"native\":{\"ver\":\"1.0\",\"assets\":[ ... ]}})");
    EXPECT_DOUBLE_EQ(r.imps.items[0].bidfloor, 0.03);
}

TEST_F(OpenRtbParserFixture, AppRequestYieldsAppDeviceAndGeo) {
    const BidRequestView& r = parse_prebid("stroeerCore__exemplary__mobile-banner-single__expectedRequest.json");
    EXPECT_FALSE(r.site.present);
    ASSERT_TRUE(r.app.present);
    EXPECT_EQ(r.app.id, "test-app-id");
    EXPECT_EQ(r.app.bundle, "test-app-bundle");
    EXPECT_EQ(r.app.storeurl, "test-app-storeurl");
    EXPECT_EQ(r.app.ver, "1.0");
    ASSERT_EQ(r.app.cat.size(), 2u);
    EXPECT_EQ(r.app.cat.items[1], "IAB9-5");
    EXPECT_EQ(r.app.publisher.name, "App Publisher");
    EXPECT_EQ(r.device.ip, "123.123.123.123");
    EXPECT_EQ(r.device.devicetype, 4);
    EXPECT_EQ(r.device.os, "iOS");
    EXPECT_EQ(r.device.make, "Apple");
    EXPECT_EQ(r.device.ifa, "e785543f-0be8-48f1-2c53-b4ae46a942d3");
    EXPECT_EQ(r.device.dnt, std::optional<bool>(false));
    EXPECT_FALSE(r.device.lmt.has_value());
    EXPECT_EQ(r.device.geo.country, "FRA");
    EXPECT_EQ(r.device.geo.city, "Paris");
    EXPECT_EQ(r.device.geo.region, "IDF");
    EXPECT_EQ(r.device.geo.zip, "75001");
    EXPECT_DOUBLE_EQ(r.device.geo.lat, 48.860757);
    EXPECT_DOUBLE_EQ(r.device.geo.lon, 2.337562);
    ASSERT_EQ(r.imps.size(), 1u);
    ASSERT_EQ(r.imps.items[0].banner.formats.size(), 2u);
    EXPECT_EQ(r.imps.items[0].banner.formats.items[1].w, 728);
    EXPECT_EQ(r.imps.items[0].banner.formats.items[1].h, 90);
    ASSERT_EQ(r.cur.size(), 1u);
    EXPECT_EQ(r.cur.items[0], "EUR");
}

TEST_F(OpenRtbParserFixture, PrebidGdprAndConsentAtTheir25ExtLocationsAreFilledIn) {
    const BidRequestView& r = parse_prebid("ccx__exemplary__multi-banner__expectedRequest.json");
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(true));
    EXPECT_EQ(r.user.consent, "dummy");
    EXPECT_EQ(r.user.buyeruid, "someuid");
    ASSERT_EQ(r.imps.size(), 2u);
    EXPECT_EQ(r.imps.items[1].id, "test-imp-id-2");
    ASSERT_EQ(r.imps.items[1].banner.formats.size(), 1u);
    EXPECT_EQ(r.imps.items[1].banner.formats.items[0].h, 480);
}

TEST_F(OpenRtbParserFixture, PrebidSchainEidsAndUsPrivacyAtTheir25ExtLocationsAreFilledIn) {
    const BidRequestView& r = parse_prebid("amx__exemplary__video-simple__expectedRequest.json");
    EXPECT_EQ(r.source.schain_nodes, 1);
    EXPECT_TRUE(r.source.schain_complete);
    EXPECT_EQ(r.user.eids, 1);
    EXPECT_EQ(r.regs.gdpr, std::optional<bool>(false));
    EXPECT_EQ(r.regs.us_privacy, "1---");
    EXPECT_EQ(r.tmax_ms, 300u);
    ASSERT_EQ(r.imps.size(), 1u);
    const ImpView& imp = r.imps.items[0];
    EXPECT_TRUE(imp.secure);
    EXPECT_EQ(imp.tagid, "tagid-override");
    EXPECT_EQ(imp.video.placement, 1);
    EXPECT_EQ(imp.video.protocols.size(), 8u);
}

TEST_F(OpenRtbParserFixture, Schain26LocationIsRead) {
    const BidRequestView& r = parse_prebid("tadvertising_blis__exemplary__banner__expectedRequest.json");
    EXPECT_EQ(r.source.schain_nodes, 1);
    EXPECT_TRUE(r.source.schain_complete);
    EXPECT_EQ(r.source.tid, "test-transaction-id");
    EXPECT_TRUE(r.source.fd);
}

TEST_F(OpenRtbParserFixture, PrebidRequestExtSchainIsRead) {
    // Prebid Server moves the chain to BidRequest.ext.schain for some bidders.
    const BidRequestView& r = parse_prebid("appnexus__exemplary__schain-25-other-ext__expectedRequest.json");
    EXPECT_EQ(r.source.schain_nodes, 1);
    EXPECT_FALSE(r.source.schain_complete);
}

TEST_F(OpenRtbParserFixture, SpecPmpExampleYieldsDeals) {
    const BidRequestView& r = parse_spec("ortb26_6_2_5_request_example_5_pmp_with_direct_deal.json");
    ASSERT_EQ(r.imps.size(), 1u);
    const ImpView& imp = r.imps.items[0];
    EXPECT_TRUE(imp.private_auction);
    ASSERT_EQ(imp.deals.size(), 2u);
    EXPECT_EQ(imp.deals.items[0].id, "AB-Agency1-0001");
    EXPECT_DOUBLE_EQ(imp.deals.items[0].bidfloor, 2.5);
    EXPECT_EQ(imp.deals.items[1].id, "XY-Agency2-0001");
    EXPECT_DOUBLE_EQ(imp.deals.items[1].bidfloor, 2.0);
}

}  // namespace
}  // namespace bidline
