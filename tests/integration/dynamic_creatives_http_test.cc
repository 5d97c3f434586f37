// Native assets and dynamic creatives through the real binary on loopback:
// a native imp gets a no-bid when its required assets are more than the
// creative has and a bid with the creative's response (under the request's
// asset ids) when they are answered; a template line item's bids carry the
// rendered variants, its wins and clicks (POST /v1/events) feed the slot
// bandit, and once the posterior is published serving moves to the
// variant people click; /v1/stats shows each variant's counts.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>

#include "support/engine_process.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/wall_clock.h"

namespace bidline {
namespace {

using test::EngineProcess;
using test::HttpClient;
using test::now_ms;

const std::string kCampaign = R"([engine]
shards = 1
control_tick_ms = 50
[[advertiser]]
id = "adv"
domains = ["acme.example"]
[[campaign]]
id = "cmp"
advertiser = "adv"
daily_budget = 1000000.0
start = 2024-01-01
end = 2035-12-31
pacing = "asap"
[[line_item]]
id = "li"
campaign = "cmp"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
)";

std::filesystem::path write_config(const std::string& name, const std::string& line_item_rest) {
    const auto path = std::filesystem::path(testing::TempDir()) / name;
    std::ofstream(path) << kCampaign << line_item_rest;
    return path;
}

struct Bid {
    int status = 0;
    std::string id, crid, adm;
};

Bid bid(HttpClient& http, const std::string& imp, int n) {
    const std::string body = R"({"id":"r)" + std::to_string(n) + R"(","imp":[)" + imp +
                             R"(],"site":{"domain":"news.example"},"user":{"id":"u)" + std::to_string(n) + R"("}})";
    const auto r = http.post_bid(body);
    Bid b{r.status, {}, {}, {}};
    if (r.status != 200) return b;
    simdjson::dom::parser p;
    const auto doc = p.parse(r.body)["seatbid"].at(0)["bid"].at(0);
    b.id = std::string(doc["id"].get_string().value());
    b.crid = std::string(doc["crid"].get_string().value());
    b.adm = std::string(doc["adm"].get_string().value());
    return b;
}

std::string native_imp(const std::string& escaped_request) {
    return R"({"id":"1","native":{"ver":"1.2","request":")" + escaped_request + R"("}})";
}

TEST(DynamicCreativesHttp, ANativeImpGetsTheCreativeOnlyWhenItsAssetsAnswerTheRequest) {
    EngineProcess engine({"serve", "--config", write_config("native.toml", R"([[line_item.creative]]
id = "cr-native"
format = "native"
markup = '{"native":{"ver":"1.2","assets":[{"id":1,"title":{"text":"Spring sale"}},{"id":2,"img":{"url":"https://cdn.acme.example/hero.jpg","w":1200,"h":627}}],"link":{"url":"https://acme.example"}}}'
)").string()});
    HttpClient http(engine.host(), engine.port());

    // A required sponsoredBy (data type 1) the creative does not have.
    const Bid lacking = bid(http, native_imp(R"({\"ver\":\"1.2\",\"assets\":[{\"id\":3,\"required\":1,\"title\":{\"len\":25}},)"
                                             R"({\"id\":4,\"required\":1,\"data\":{\"type\":1,\"len\":25}}]})"), 1);
    EXPECT_EQ(lacking.status, 204);

    const Bid answered = bid(http, native_imp(R"({\"native\":{\"ver\":\"1.2\",\"assets\":[{\"id\":3,\"required\":1,\"title\":{\"len\":25}},)"
                                              R"({\"id\":4,\"required\":1,\"img\":{\"type\":3,\"wmin\":600,\"hmin\":300}}]}})"), 2);
    ASSERT_EQ(answered.status, 200);
    EXPECT_EQ(answered.crid, "cr-native");
    EXPECT_EQ(answered.adm, R"({"native":{"ver":"1.2","assets":[{"id":3,"title":{"text":"Spring sale"}},)"
                            R"({"id":4,"img":{"url":"https://cdn.acme.example/hero.jpg","w":1200,"h":627}}],"link":{"url":"https://acme.example"}}})");

    // The no-bid is counted under its reason (once the stats are next rendered).
    std::string stats;
    EXPECT_TRUE(test::eventually([&] {
        simdjson::dom::parser p;
        stats = http.request("GET", "/v1/stats").body;
        std::uint64_t native_no_bids = 0;
        return p.parse(stats)["shards"].at(0)["no_bid"]["native_assets"].get_uint64().get(native_no_bids) == simdjson::SUCCESS &&
               native_no_bids == 1;
    })) << stats;
}

// The slot's variants as /v1/stats shows them: text → (impressions, clicks, posterior mean).
struct VariantFigures {
    double impressions = 0, clicks = 0, posterior_mean = 0;
};
std::map<std::string, VariantFigures> headline_variants(HttpClient& http) {
    std::map<std::string, VariantFigures> out;
    simdjson::dom::parser p;
    const std::string stats = http.request("GET", "/v1/stats").body;
    simdjson::dom::array templates;
    if (p.parse(stats)["line_items"].at(0)["templates"].get_array().get(templates) != simdjson::SUCCESS) return out;
    for (simdjson::dom::element slot : templates.at(0)["slots"].get_array()) {
        if (std::string_view(slot["slot"].get_string().value()) != "headline") continue;
        for (simdjson::dom::element v : slot["variants"].get_array())
            out[std::string(v["text"].get_string().value())] = {v["impressions"].get_double().value(), v["clicks"].get_double().value(),
                                                               v["posterior_mean"].get_double().value()};
    }
    return out;
}

TEST(DynamicCreativesHttp, ClicksOnAVariantSteerTheTemplateToIt) {
    EngineProcess engine({"serve", "--config", write_config("template.toml", R"([[line_item.creative]]
id = "cr-tpl"
format = "banner"
w = 300
h = 250
markup = '<a href="{{landing}}"><b>{{headline}}</b></a><img src="https://t.acme.example/i?p=${AUCTION_PRICE}">'
[line_item.creative.slots]
headline = ["Alpha & Omega", "Beta <b>bold</b>"]
landing = ["https://acme.example/spring?a=1&b=2"]
)").string()});
    HttpClient http(engine.host(), engine.port());
    const std::string imp = R"({"id":"1","banner":{"w":300,"h":250}})";
    const std::string alpha = R"(<a href="https://acme.example/spring?a=1&amp;b=2"><b>Alpha &amp; Omega</b></a><img src="https://t.acme.example/i?p=${AUCTION_PRICE}">)";
    const std::string beta = R"(<a href="https://acme.example/spring?a=1&amp;b=2"><b>Beta &lt;b&gt;bold&lt;/b&gt;</b></a><img src="https://t.acme.example/i?p=${AUCTION_PRICE}">)";

    // Knowing nothing, both variants serve; every bid wins, every Beta is clicked.
    std::map<std::string, int> served;
    std::string events;
    for (int n = 0; n < 200; ++n) {
        const Bid b = bid(http, imp, n);
        ASSERT_EQ(b.status, 200);
        ASSERT_TRUE(b.adm == alpha || b.adm == beta) << b.adm;
        const bool is_beta = b.adm == beta;
        ++served[is_beta ? "beta" : "alpha"];
        const std::string ts = std::to_string(now_ms());
        events += R"({"type":"win","event_id":"w)" + std::to_string(n) + R"(","bid_id":")" + b.id +
                  R"(","line_item":"li","price":0.5,"ts":)" + ts + "}\n";
        if (is_beta)
            events += R"({"type":"click","event_id":"c)" + std::to_string(n) + R"(","bid_id":")" + b.id +
                      R"(","line_item":"li","ts":)" + ts + "}\n";
    }
    EXPECT_GE(served["alpha"], 40) << "an uninformed bandit serves both";
    EXPECT_GE(served["beta"], 40);
    const auto posted = http.request("POST", "/v1/events", events);
    ASSERT_EQ(posted.status, 200) << posted.body;

    // The control thread learns, then publishes the posteriors: wait for
    // the published means to rank Beta first.
    std::map<std::string, VariantFigures> v;
    ASSERT_TRUE(test::eventually(
        [&] {
            v = headline_variants(http);
            return v.size() == 2 && v["Beta <b>bold</b>"].clicks == served["beta"] &&
                   v["Beta <b>bold</b>"].posterior_mean > 2 * v["Alpha & Omega"].posterior_mean;
        },
        std::chrono::seconds(20)))
        << "Alpha " << v["Alpha & Omega"].impressions << "/" << v["Alpha & Omega"].clicks << " mean " << v["Alpha & Omega"].posterior_mean
        << ", Beta " << v["Beta <b>bold</b>"].impressions << "/" << v["Beta <b>bold</b>"].clicks << " mean "
        << v["Beta <b>bold</b>"].posterior_mean;
    EXPECT_EQ(v["Alpha & Omega"].impressions, served["alpha"]);
    EXPECT_EQ(v["Alpha & Omega"].clicks, 0);
    EXPECT_EQ(v["Beta <b>bold</b>"].impressions, served["beta"]);

    int beta_now = 0, answered = 0;
    for (int n = 0; n < 100; ++n) {
        const Bid b = bid(http, imp, 1000 + n);
        answered += b.status == 200;
        beta_now += b.adm == beta;
    }
    ASSERT_GE(answered, 50);
    EXPECT_GE(100 * beta_now / answered, 95) << beta_now << " of " << answered;
}

TEST(DynamicCreativesHttp, TheAdminApiTakesTemplatesThroughTheSameReaders) {
    EngineProcess engine({"serve", "--config", write_config("admin.toml", R"([[line_item.creative]]
id = "cr"
format = "banner"
w = 300
h = 250
markup = "<div>ad</div>"
)").string()});
    HttpClient http(engine.host(), engine.port());
    const test::HeaderList user{{"X-Bidline-User", "carol@example.com"}};
    auto post = [&](std::string_view body) { return http.request("POST", "/v1/creatives", body, user); };
    auto field_error = [](const test::HttpResponse& r) {
        simdjson::dom::parser p;
        simdjson::dom::element f;
        if (p.parse(r.body)["fields"].at(0).get(f) != simdjson::SUCCESS) return "(no fields) " + r.body;
        return std::string(f["field"].get_string().value()) + ": " + std::string(f["reason"].get_string().value());
    };
    const std::string head = R"({"id":"cr-api","line_item":"li","format":"banner","w":300,"h":250,)";
    test::HttpResponse r = post(head + R"("markup":"<b>{{headline}}</b>","slots":{"headline":[]}})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(field_error(r), "slots: slot \"headline\": needs at least one variant");
    r = post(head + R"("markup":"<b>{{headline}}</b><a href=\"{{link}}\">x</a>","slots":{"headline":["A"]}})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(field_error(r), "markup: {{link}} names no slot of this creative (slots: headline)");
    r = post(head + R"("markup":"<b>{{headline}}</b>","slots":{"headline":["A","B"]}})");
    EXPECT_EQ(r.status, 201) << r.body;
}

}  // namespace
}  // namespace bidline
