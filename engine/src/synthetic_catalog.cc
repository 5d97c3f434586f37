#include "bidline/engine/synthetic_catalog.h"

#include <array>

namespace bidline {
namespace {
constexpr std::array<const char*, 10> kCountries = {"USA", "CAN", "GBR", "DEU", "FRA", "ESP", "ITA", "BRA", "JPN", "AUS"};
constexpr std::array<Size, 10> kSizes = {{{300, 250}, {728, 90}, {320, 50}, {160, 600}, {300, 600},
                                          {970, 250}, {336, 280}, {468, 60}, {120, 600}, {250, 250}}};
}  // namespace

CampaignModel synthetic_campaign_model(std::uint32_t n, Micros daily_budget) {
    CampaignModel m;
    m.advertisers.push_back(Advertiser{AdvertiserId{"adv-synthetic"}, "Synthetic", "USD", "UTC", {"synthetic.example"}});
    const std::uint32_t campaigns = (n + 9) / 10;
    for (std::uint32_t c = 0; c < campaigns; ++c) {
        Campaign camp;
        camp.id = CampaignId{"cmp-" + std::to_string(c)};
        camp.advertiser = AdvertiserId{"adv-synthetic"};
        camp.name = "synthetic campaign " + std::to_string(c);
        camp.daily_budget = daily_budget;
        camp.start = std::chrono::year_month_day{std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}};
        camp.end = std::chrono::year_month_day{std::chrono::year{2035}, std::chrono::December, std::chrono::day{31}};
        m.campaigns.push_back(std::move(camp));
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        LineItem li;
        li.id = LineItemId{"li-" + std::to_string(i)};
        li.campaign = CampaignId{"cmp-" + std::to_string(i / 10)};
        li.name = "synthetic line item " + std::to_string(i);
        li.targeting.media = {MediaType::banner};
        li.targeting.countries = {kCountries[i % kCountries.size()]};
        const Size size = kSizes[(i / kCountries.size()) % kSizes.size()];
        if (i % 3 == 0) li.targeting.device_types = {4, 5};
        if (i % 7 == 0) li.targeting.domains_block = {"blocked.example.com"};
        li.bid.strategy = BidStrategy::manual_cpm;
        li.bid.cpm = Micros::from_units(0.5 + static_cast<double>(i % 37) * 0.1);
        Creative cr;
        cr.id = CreativeId{"cr-" + std::to_string(i)};
        cr.format = MediaType::banner;
        cr.size = size;
        cr.adomain = {"synthetic.example"};
        cr.categories = {"IAB3"};
        cr.markup = "<a href=\"https://synthetic.example/c/" + std::to_string(i) + "\"><img src=\"https://cdn.synthetic.example/" +
                    std::to_string(size.w) + "x" + std::to_string(size.h) + ".png\"></a>";
        li.creatives.push_back(std::move(cr));
        m.line_items.push_back(std::move(li));
    }
    return m;
}

std::string synthetic_bid_request(std::uint64_t k) {
    std::string body =
        R"({"id":"req-)" + std::to_string(k) + R"(-8f2c1e7a-4b1d-4c9e-9a51","at":1,"tmax":120,"cur":["USD"],)"
        R"("imp":[{"id":"1","tagid":"homepage-top","bidfloor":0.45,"bidfloorcur":"USD","secure":1,)"
        R"("banner":{"w":300,"h":250,"format":[{"w":300,"h":250},{"w":320,"h":50}],"pos":1}}],)"
        R"("site":{"id":"site-1042","domain":"news.example.com","page":"https://news.example.com/world/2026/markets-rally",)"
        R"("cat":["IAB12"],"publisher":{"id":"pub-77","name":"Example News"}},)"
        R"("device":{"ua":"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",)"
        R"("ip":"203.0.113.17","geo":{"country":"USA","region":"CA","city":"San Francisco","zip":"94107","lat":37.77,"lon":-122.41},)"
        R"("devicetype":4,"make":"Google","model":"Pixel 8","os":"Android","osv":"14","language":"en","connectiontype":2},)"
        R"("user":{"id":"u-5c1d2e","buyeruid":"b-91ab77","ext":{"consent":"CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"}},)"
        R"("regs":{"coppa":0,"ext":{"gdpr":0,"us_privacy":"1YNN"}},)"
        R"("source":{"tid":"c0ffee00-1234-4abc-8def-001122334455","ext":{"schain":{"ver":"1.0","complete":1,)"
        R"("nodes":[{"asi":"exchange.example","sid":"pub-77","hp":1}]}}},"bcat":["IAB25","IAB26"],"badv":["competitor.example"],)"
        R"("ext":{"prebid":{"debug":false}},"pad":")";
    if (body.size() < 1534) body.append(1534 - body.size(), 'x');
    body += "\"}";
    return body;
}

}  // namespace bidline
