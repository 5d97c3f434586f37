// The embedded demo configuration loads, covers what the demo promises, and
// bids on the OpenRTB 2.6 spec's simple banner example.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "bidline/config/config.h"

namespace bidline {
namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(DemoConfig, LoadsAndValidates) {
    const Config c = load_demo_config();
    EXPECT_EQ(c.engine.listen_host, "127.0.0.1");
    EXPECT_EQ(c.engine.listen_port, 8080);
    EXPECT_EQ(c.engine.shards, 0u);
    EXPECT_EQ(c.engine.data_dir, "data");
    EXPECT_EQ(c.campaigns.advertisers.size(), 2u);
    EXPECT_EQ(c.campaigns.campaigns.size(), 3u);
    EXPECT_GE(c.campaigns.line_items.size(), 7u);
    EXPECT_LE(c.campaigns.line_items.size(), 10u);
}

TEST(DemoConfig, ErrorsWouldNameTheDemoSource) {
    // load_demo_config() and load_config_text(demo_config_toml(), ...) agree.
    const Config a = load_demo_config();
    const Config b = load_config_text(demo_config_toml(), "<demo>");
    ASSERT_EQ(a.campaigns.line_items.size(), b.campaigns.line_items.size());
    EXPECT_EQ(a.campaigns.line_items.back().creatives.back().markup,
              b.campaigns.line_items.back().creatives.back().markup);
}

TEST(DemoConfig, CoversEveryMediaTypeAndTheCommonBannerSizes) {
    const Config c = load_demo_config();
    std::set<MediaType> formats;
    std::set<Size> banner_sizes;
    for (const LineItem& li : c.campaigns.line_items) {
        for (const Creative& cr : li.creatives) {
            formats.insert(cr.format);
            if (cr.format == MediaType::banner) banner_sizes.insert(cr.size);
        }
    }
    EXPECT_EQ(formats.size(), static_cast<std::size_t>(kMediaTypeCount));
    for (Size s : {Size{300, 250}, Size{728, 90}, Size{320, 50}, Size{160, 600}}) {
        EXPECT_TRUE(banner_sizes.contains(s)) << s.w << "x" << s.h;
    }
}

TEST(DemoConfig, PricesBudgetsAndFlightsAreInTheDemoRange) {
    const Config c = load_demo_config();
    const Date first{std::chrono::year{2024}, std::chrono::January, std::chrono::day{1}};
    const Date last{std::chrono::year{2030}, std::chrono::December, std::chrono::day{31}};
    for (const Campaign& cmp : c.campaigns.campaigns) {
        EXPECT_LE(cmp.start, first) << cmp.id.value;
        EXPECT_GE(cmp.end, last) << cmp.id.value;
        EXPECT_GE(cmp.daily_budget, Micros::from_units(100)) << cmp.id.value;
        EXPECT_LT(cmp.daily_budget, Micros::from_units(1000)) << cmp.id.value;
    }
    for (const LineItem& li : c.campaigns.line_items) {
        // Two line items bid from the embedded click model; the others at a manual CPM.
        const BidStrategy expected = li.id.value == "li-acme-mrec-open"       ? BidStrategy::manual_cpc
                                     : li.id.value == "li-globex-native-feed" ? BidStrategy::target_cpa
                                                                              : BidStrategy::manual_cpm;
        EXPECT_EQ(li.bid.strategy, expected) << li.id.value;
        EXPECT_GE(li.bid.cpm, Micros::cpm(0.5)) << li.id.value;
        EXPECT_LE(li.bid.cpm, Micros::cpm(6.0)) << li.id.value;
        for (const std::string& country : li.targeting.countries) {
            EXPECT_TRUE(country == "USA" || country == "CAN" || country == "GBR" || country == "DEU") << country;
        }
    }
}

TEST(DemoConfig, HasTheAcmeDealLineItem) {
    const Config c = load_demo_config();
    const auto& items = c.campaigns.line_items;
    EXPECT_TRUE(std::any_of(items.begin(), items.end(), [](const LineItem& li) {
        return contains(li.targeting.deals, std::string("deal-acme-pmp-1"));
    }));
}

TEST(DemoConfig, MarkupLooksLikeItsFormat) {
    for (const LineItem& li : load_demo_config().campaigns.line_items) {
        for (const Creative& cr : li.creatives) {
            switch (cr.format) {
                case MediaType::banner:
                    EXPECT_TRUE(cr.markup.starts_with("<a href=\"https://")) << cr.id.value;
                    break;
                case MediaType::video:
                    EXPECT_TRUE(cr.markup.starts_with("<VAST version=\"4.0\"")) << cr.id.value;
                    break;
                case MediaType::audio:
                    EXPECT_NE(cr.markup.find("type=\"audio/mpeg\""), std::string::npos);
                    break;
                case MediaType::native: {
                    simdjson::dom::parser parser;
                    EXPECT_EQ(parser.parse(cr.markup).error(), simdjson::SUCCESS) << cr.id.value;
                    break;
                }
            }
            EXPECT_FALSE(cr.adomain.empty()) << cr.id.value;
        }
    }
}

// A plain reading of targeting for a site request without device or geo:
// enough to show the demo has a line item for the spec's example; the real
// eligibility logic lives in the engine's targeting index.
bool bids_on_site_banner(const LineItem& li, Size size, double floor_cpm, const std::string& domain) {
    const Targeting& t = li.targeting;
    const bool banner = t.media.empty() || contains(t.media, MediaType::banner);
    const bool sized = t.sizes.empty() || contains(t.sizes, size);
    const bool untargeted = t.countries.empty() && t.regions.empty() && t.device_types.empty() && t.os.empty() &&
                            t.deals.empty() && t.bundles_allow.empty();
    const bool domain_ok =
        (t.domains_allow.empty() || contains(t.domains_allow, domain)) && !contains(t.domains_block, domain);
    const bool has_creative = std::any_of(li.creatives.begin(), li.creatives.end(), [&](const Creative& c) {
        return c.format == MediaType::banner && c.size == size;
    });
    return banner && sized && untargeted && domain_ok && has_creative && li.bid.cpm.as_cpm() >= floor_cpm;
}

TEST(DemoConfig, BidsOnTheSpecSimpleBannerExample) {
    simdjson::dom::parser parser;
    const simdjson::dom::element request =
        parser.load(BIDLINE_SHARED_DATA "/openrtb/requests/ortb26_6_2_1_request_example_1_simple_banner.json");
    const simdjson::dom::element imp = request["imp"].at(0);
    const Size size{static_cast<std::uint16_t>(std::int64_t(imp["banner"]["w"])),
                    static_cast<std::uint16_t>(std::int64_t(imp["banner"]["h"]))};
    const double floor_cpm = imp["bidfloor"];
    const std::string domain{std::string_view(request["site"]["domain"])};
    ASSERT_EQ(size, (Size{300, 250}));
    ASSERT_TRUE(request["device"].error());  // no device, so no geo either

    const auto& items = load_demo_config().campaigns.line_items;
    EXPECT_TRUE(std::any_of(items.begin(), items.end(),
                            [&](const LineItem& li) { return bids_on_site_banner(li, size, floor_cpm, domain); }));
}

}  // namespace
}  // namespace bidline
