// The targeting index decides which line items may bid on an imp. Each test
// builds a catalog from a small TOML configuration, parses a bid request as
// an exchange sends it, and checks the set of eligible line items, one
// targeting dimension at a time; then that a catalog rebuild keeps every
// surviving line item's dense index.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "bidline/engine/catalog.h"
#include "bidline/engine/openrtb_parser.h"
#include "bidline/engine/targeting_index.h"
#include "engine_test_config.h"

namespace bidline {
namespace {

using test::banner;
using test::LineItemSpec;
using test::make_config;
using test::request_json;
using Ids = std::set<std::string>;

class TargetingIndexTest : public ::testing::Test {
protected:
    void use(const std::vector<LineItemSpec>& line_items) {
        catalog_ = Catalog::build(make_config(line_items).campaigns);
        live_ = LineItemSet(catalog_->line_item_capacity());
        live_.fill_all(catalog_->line_item_capacity());
    }

    // Ids of the line items eligible for imp `imp` of `json`.
    Ids eligible(const std::string& json, std::size_t imp = 0) {
        const OpenRtbError err = parser_.parse(json, request_);
        EXPECT_FALSE(err) << to_string(err.code) << ": " << err.message << " at " << err.detail << "\n" << json;
        if (err || imp >= request_.imps.size()) return {"<unparsed>"};
        EligibilityScratch scratch;
        scratch.resize(catalog_->line_item_capacity());
        catalog_->targeting().eligible(request_, request_.imps.items[imp], live_, scratch);
        Ids out;
        scratch.eligible.for_each(
            [&](std::uint32_t i) { out.insert(catalog_->line_item(LineItemIndex{i}).model.id.value); });
        return out;
    }

    // A 300x250 banner imp on a site, plus any further top-level members.
    Ids eligible_banner(std::string_view extra) {
        std::string members = std::string(test::kSite);
        if (!extra.empty()) members += "," + std::string(extra);
        return eligible(request_json(test::kBannerImp, members));
    }

    std::shared_ptr<const Catalog> catalog_;
    LineItemSet live_;
    OpenRtbParser parser_;
    BidRequestView request_;
};

TEST_F(TargetingIndexTest, BannerSizeMustMatchACreativeSizeExactly) {
    use({{.id = "mrec", .creatives = {banner(300, 250)}}, {.id = "leader", .creatives = {banner(728, 90)}}});
    const std::string_view site = test::kSite;
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":300,"h":250}})", site)), Ids{"mrec"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":728,"h":90}})", site)), Ids{"leader"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":300,"h":251}})", site)), Ids{});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":250,"h":300}})", site)), Ids{});
}

TEST_F(TargetingIndexTest, BannerFormatListOffersEverySizeInIt) {
    use({{.id = "mrec", .creatives = {banner(300, 250)}}, {.id = "leader", .creatives = {banner(728, 90)}}});
    const std::string_view site = test::kSite;
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"format":[{"w":728,"h":90},{"w":300,"h":250}]}})", site)),
              (Ids{"mrec", "leader"}));
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"format":[{"w":320,"h":50},{"w":728,"h":90}]}})", site)),
              Ids{"leader"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"format":[{"w":320,"h":50}]}})", site)), Ids{});
    // w/h and format together: either size will do.
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":320,"h":50,"format":[{"w":300,"h":250}]}})", site)),
              Ids{"mrec"});
}

TEST_F(TargetingIndexTest, ImpMediaTypeNeedsACreativeOfThatFormat) {
    use({{.id = "display", .creatives = {banner(300, 250)}},
         {.id = "preroll", .creatives = {test::video()}},
         {.id = "infeed", .creatives = {test::native_ad()}}});
    const std::string_view site = test::kSite;
    EXPECT_EQ(eligible(request_json(R"({"id":"1","video":{"mimes":["video/mp4"],"w":640,"h":480}})", site)),
              Ids{"preroll"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","native":{"request":"{}"}})", site)), Ids{"infeed"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","audio":{"mimes":["audio/mpeg"]}})", site)), Ids{});
    EXPECT_EQ(eligible(request_json(
                  R"({"id":"1","banner":{"w":300,"h":250},"video":{"mimes":["video/mp4"],"w":640,"h":480}})", site)),
              (Ids{"display", "preroll"}));
}

TEST_F(TargetingIndexTest, MediaTargetingIgnoresCreativesOfOtherFormats) {
    // The line item has a video creative but only targets banners.
    use({{.id = "banner-only", .targeting = "media = [\"banner\"]", .creatives = {banner(300, 250), test::video()}}});
    EXPECT_EQ(eligible_banner({}), Ids{"banner-only"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","video":{"mimes":["video/mp4"],"w":640,"h":480}})", test::kSite)),
              Ids{});
}

TEST_F(TargetingIndexTest, SizesTargetingNarrowsTheImpSizes) {
    use({{.id = "any-size", .creatives = {banner(300, 250), banner(728, 90)}},
         {.id = "leader-only", .targeting = "sizes = [\"728x90\"]", .creatives = {banner(300, 250), banner(728, 90)}}});
    const std::string_view site = test::kSite;
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":728,"h":90}})", site)),
              (Ids{"any-size", "leader-only"}));
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":300,"h":250}})", site)), Ids{"any-size"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"format":[{"w":300,"h":250},{"w":728,"h":90}]}})", site)),
              (Ids{"any-size", "leader-only"}));
}

TEST_F(TargetingIndexTest, SizesTargetingNeedsACreativeOfATargetedSize) {
    // Targets 728x90 but has no creative of that size: its 300x250 creative
    // must not make it eligible for a 300x250 + 728x90 imp.
    use({{.id = "mistargeted", .targeting = "sizes = [\"728x90\"]", .creatives = {banner(300, 250)}}, {.id = "mrec"}});
    EXPECT_EQ(
        eligible(request_json(R"({"id":"1","banner":{"format":[{"w":300,"h":250},{"w":728,"h":90}]}})", test::kSite)),
        Ids{"mrec"});
}

TEST_F(TargetingIndexTest, CountryIsCaseInsensitiveAndMissingCountryMatchesOnlyUntargeted) {
    use({{.id = "us", .targeting = "countries = [\"USA\"]"},
         {.id = "ca", .targeting = "countries = [\"CAN\"]"},
         {.id = "open"}});
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"USA"}})"), (Ids{"us", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"usa"}})"), (Ids{"us", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"FRA"}})"), Ids{"open"});
    EXPECT_EQ(eligible_banner(R"("device":{"ua":"x"})"), Ids{"open"});
    EXPECT_EQ(eligible_banner({}), Ids{"open"});
    // No device geo: the user's home geo is used.
    EXPECT_EQ(eligible_banner(R"("user":{"geo":{"country":"CAN"}})"), (Ids{"ca", "open"}));
}

TEST_F(TargetingIndexTest, RegionTargeting) {
    use({{.id = "ny", .targeting = "countries = [\"USA\"]\nregions = [\"NY\"]"}, {.id = "open"}});
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"USA","region":"NY"}})"), (Ids{"ny", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"USA","region":"ny"}})"), (Ids{"ny", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"USA","region":"CA"}})"), Ids{"open"});
    EXPECT_EQ(eligible_banner(R"("device":{"geo":{"country":"USA"}})"), Ids{"open"});
}

TEST_F(TargetingIndexTest, DeviceTypeTargeting) {
    use({{.id = "mobile", .targeting = "device_types = [4, 5]"}, {.id = "open"}});
    EXPECT_EQ(eligible_banner(R"("device":{"devicetype":4})"), (Ids{"mobile", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"devicetype":5})"), (Ids{"mobile", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"devicetype":2})"), Ids{"open"});
    EXPECT_EQ(eligible_banner({}), Ids{"open"});
}

TEST_F(TargetingIndexTest, OsTargetingIsCaseInsensitive) {
    use({{.id = "ios", .targeting = "os = [\"iOS\"]"}, {.id = "open"}});
    EXPECT_EQ(eligible_banner(R"("device":{"os":"iOS"})"), (Ids{"ios", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"os":"IOS"})"), (Ids{"ios", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"os":"ios"})"), (Ids{"ios", "open"}));
    EXPECT_EQ(eligible_banner(R"("device":{"os":"Android"})"), Ids{"open"});
    EXPECT_EQ(eligible_banner({}), Ids{"open"});
}

TEST_F(TargetingIndexTest, SiteDomainAllowListIgnoresWwwAndCase) {
    use({{.id = "allow", .targeting = "domains_allow = [\"news.example\", \"www.sport.example\"]"}, {.id = "open"}});
    auto site = [&](std::string_view site_json) {
        return eligible(request_json(test::kBannerImp, "\"site\":" + std::string(site_json)));
    };
    EXPECT_EQ(site(R"({"domain":"news.example"})"), (Ids{"allow", "open"}));
    EXPECT_EQ(site(R"({"domain":"WWW.News.Example"})"), (Ids{"allow", "open"}));
    EXPECT_EQ(site(R"({"domain":"sport.example"})"), (Ids{"allow", "open"}));
    EXPECT_EQ(site(R"({"domain":"other.example"})"), Ids{"open"});
    EXPECT_EQ(site(R"({"domain":"sub.news.example"})"), Ids{"open"});
    // No site.domain: the publisher's domain stands in.
    EXPECT_EQ(site(R"({"publisher":{"domain":"news.example"}})"), (Ids{"allow", "open"}));
    EXPECT_EQ(site(R"({"page":"https://news.example/a"})"), Ids{"open"});
}

TEST_F(TargetingIndexTest, DomainAllowListOnlyLineItemNeverBidsOnApps) {
    use({{.id = "allow", .targeting = "domains_allow = [\"news.example\"]"}, {.id = "open"}});
    EXPECT_EQ(eligible(request_json(test::kBannerImp, R"("app":{"bundle":"news.example","domain":"news.example"})")),
              Ids{"open"});
    // Neither site nor app: nothing to check an allow list against.
    EXPECT_EQ(eligible(request_json(test::kBannerImp)), Ids{"open"});
}

TEST_F(TargetingIndexTest, DomainBlockListIgnoresWwwAndCase) {
    use({{.id = "careful", .targeting = "domains_block = [\"spam.example\"]"}, {.id = "open"}});
    auto site = [&](std::string_view domain) {
        return eligible(request_json(test::kBannerImp, "\"site\":{\"domain\":\"" + std::string(domain) + "\"}"));
    };
    EXPECT_EQ(site("spam.example"), Ids{"open"});
    EXPECT_EQ(site("www.SPAM.example"), Ids{"open"});
    EXPECT_EQ(site("news.example"), (Ids{"careful", "open"}));
    EXPECT_EQ(eligible(request_json(test::kBannerImp, R"("app":{"bundle":"com.spam.app"})")), (Ids{"careful", "open"}));
}

TEST_F(TargetingIndexTest, AppBundleAllowAndBlockLists) {
    use({{.id = "app-allow", .targeting = "bundles_allow = [\"com.acme.app\"]"},
         {.id = "app-block", .targeting = "bundles_block = [\"com.bad.app\"]"},
         {.id = "open"}});
    auto app = [&](std::string_view bundle) {
        return eligible(request_json(test::kBannerImp, "\"app\":{\"bundle\":\"" + std::string(bundle) + "\"}"));
    };
    EXPECT_EQ(app("com.acme.app"), (Ids{"app-allow", "app-block", "open"}));
    EXPECT_EQ(app("com.bad.app"), Ids{"open"});
    EXPECT_EQ(app("com.other.app"), (Ids{"app-block", "open"}));
    // A bundle allow list restricts the line item to those apps: no sites.
    EXPECT_EQ(eligible_banner({}), (Ids{"app-block", "open"}));
}

TEST_F(TargetingIndexTest, DealLineItemsOnlyBidOnImpsOfferingTheirDeal) {
    use({{.id = "pmp", .targeting = "deals = [\"deal-1\"]"}, {.id = "open"}});
    auto imp_with_pmp = [&](std::string_view pmp) {
        return eligible(
            request_json(R"({"id":"1","banner":{"w":300,"h":250},"pmp":)" + std::string(pmp) + "}", test::kSite));
    };
    EXPECT_EQ(eligible_banner({}), Ids{"open"});
    EXPECT_EQ(imp_with_pmp(R"({"private_auction":0,"deals":[{"id":"deal-1","bidfloor":1.0}]})"), (Ids{"pmp", "open"}));
    EXPECT_EQ(imp_with_pmp(R"({"private_auction":0,"deals":[{"id":"deal-2"}]})"), Ids{"open"});
}

TEST_F(TargetingIndexTest, PrivateAuctionExcludesOpenAuctionLineItems) {
    use({{.id = "pmp", .targeting = "deals = [\"deal-1\"]"}, {.id = "open"}});
    auto imp_with_pmp = [&](std::string_view pmp) {
        return eligible(
            request_json(R"({"id":"1","banner":{"w":300,"h":250},"pmp":)" + std::string(pmp) + "}", test::kSite));
    };
    EXPECT_EQ(imp_with_pmp(R"({"private_auction":1,"deals":[{"id":"deal-1"}]})"), Ids{"pmp"});
    EXPECT_EQ(imp_with_pmp(R"({"private_auction":1,"deals":[{"id":"deal-2"}]})"), Ids{});
}

TEST_F(TargetingIndexTest, LiveMaskExcludesLineItems) {
    use({{.id = "a"}, {.id = "b"}});
    EXPECT_EQ(eligible_banner({}), (Ids{"a", "b"}));
    live_ = LineItemSet(catalog_->line_item_capacity());
    live_.set(catalog_->find_line_item("b")->index.value);
    EXPECT_EQ(eligible_banner({}), Ids{"b"});
    live_.clear();
    EXPECT_EQ(eligible_banner({}), Ids{});
}

TEST_F(TargetingIndexTest, RebuildKeepsSurvivingIndicesAndGivesNewOnesFreshIndices) {
    const auto first = Catalog::build(make_config({{.id = "a"}, {.id = "b"}, {.id = "c"}}).campaigns);
    const std::uint32_t a = first->find_line_item("a")->index.value;
    const std::uint32_t c = first->find_line_item("c")->index.value;

    // Remove a and b, add d before c.
    catalog_ =
        Catalog::build(make_config({{.id = "d", .creatives = {banner(728, 90)}}, {.id = "c"}}).campaigns, first.get());
    ASSERT_NE(catalog_->find_line_item("c"), nullptr);
    ASSERT_NE(catalog_->find_line_item("d"), nullptr);
    EXPECT_EQ(catalog_->find_line_item("c")->index.value, c);
    const std::uint32_t d = catalog_->find_line_item("d")->index.value;
    EXPECT_GE(d, first->line_item_capacity()) << "a new line item must not reuse a removed one's index";
    EXPECT_EQ(catalog_->find_line_item("a"), nullptr);
    EXPECT_FALSE(catalog_->line_item(LineItemIndex{a}).present);
    EXPECT_GT(catalog_->version(), first->version());

    // The index works over the holes.
    live_ = LineItemSet(catalog_->line_item_capacity());
    live_.fill_all(catalog_->line_item_capacity());
    EXPECT_EQ(eligible_banner({}), Ids{"c"});
    EXPECT_EQ(eligible(request_json(R"({"id":"1","banner":{"w":728,"h":90}})", test::kSite)), Ids{"d"});

    // A third build from the second keeps both.
    const auto third = Catalog::build(make_config({{.id = "c"}, {.id = "d"}, {.id = "e"}}).campaigns, catalog_.get());
    EXPECT_EQ(third->find_line_item("c")->index.value, c);
    EXPECT_EQ(third->find_line_item("d")->index.value, d);
    EXPECT_GE(third->find_line_item("e")->index.value, catalog_->line_item_capacity());
}

}  // namespace
}  // namespace bidline
