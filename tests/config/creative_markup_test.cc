// Template creatives and native asset ids (creative_markup.h): a variant is
// escaped for where its slot sits, so it stays text and never becomes an
// OpenRTB macro, while the template's own macros reach the exchange intact;
// native responses carry the request's asset ids; and bad templates are
// refused at load with the field to blame.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "bidline/config/creative_markup.h"
#include "config_test_files.h"

namespace bidline {
namespace {

constexpr std::string_view kHostile = R"(<script>"&${AUCTION_PRICE})";

Creative template_creative(MediaType format, std::string markup, std::vector<TemplateSlot> slots) {
    Creative c;
    c.format = format;
    c.markup = std::move(markup);
    c.slots = std::move(slots);
    return c;
}

std::string render(const Creative& c, VariantChoice variants = {}, const NativeAnswer* native = nullptr) {
    CreativeMarkup m;
    const auto problem = compile_markup(c, m);
    EXPECT_FALSE(problem) << problem->field << ": " << problem->reason;
    if (problem) return "";
    std::string out(m.max_size, '\0');
    const std::size_t n = render_markup(c, m, variants, native, std::span<char>(out.data(), out.size()));
    EXPECT_GT(n, 0u) << "the maximum size is an upper bound";
    out.resize(n);
    return out;
}

TEST(CreativeMarkup, AHeadlineInHtmlIsEscapedAndTheTemplatesMacrosStay) {
    const Creative c = template_creative(
        MediaType::banner,
        R"(<div class="ad"><p>{{headline}}</p><img src="https://t.example/i?p=${AUCTION_PRICE}" alt="{{headline}}"></div>)",
        {{"headline", {"Spring sale", std::string(kHostile)}}});
    EXPECT_EQ(render(c, {0}),
              R"(<div class="ad"><p>Spring sale</p><img src="https://t.example/i?p=${AUCTION_PRICE}" alt="Spring sale"></div>)");
    EXPECT_EQ(render(c, {1}),
              R"(<div class="ad"><p>&lt;script&gt;&quot;&amp;&#36;{AUCTION_PRICE}</p>)"
              R"(<img src="https://t.example/i?p=${AUCTION_PRICE}" alt="&lt;script&gt;&quot;&amp;&#36;{AUCTION_PRICE}"></div>)");
}

TEST(CreativeMarkup, UrlAttributesAreAttributeEscaped) {
    const Creative c = template_creative(MediaType::banner, R"(<a href="{{landing}}"><img src='{{image}}'></a>)",
                                         {{"image", {"https://cdn.example/a.png?x='1'"}},
                                          {"landing", {R"(https://acme.example/?a=1&b="2"&p=${AUCTION_PRICE})"}}});
    EXPECT_EQ(render(c), R"(<a href="https://acme.example/?a=1&amp;b=&quot;2&quot;&amp;p=&#36;{AUCTION_PRICE}">)"
                         R"(<img src='https://cdn.example/a.png?x=&#39;1&#39;'></a>)");
}

TEST(CreativeMarkup, VastTextAndCdataAreEscapedForXml) {
    const Creative c = template_creative(
        MediaType::video,
        R"(<VAST version="4.0"><Ad><InLine><AdSystem>x</AdSystem><AdTitle>{{headline}}</AdTitle>)"
        R"(<Impression><![CDATA[{{headline}}]]></Impression></InLine></Ad></VAST>)",
        {{"headline", {"a]]>b & ${AUCTION_PRICE} 'q'"}}});
    EXPECT_EQ(render(c), R"(<VAST version="4.0"><Ad><InLine><AdSystem>x</AdSystem>)"
                         R"(<AdTitle>a]]&gt;b &amp; &#36;{AUCTION_PRICE} &apos;q&apos;</AdTitle>)"
                         R"(<Impression><![CDATA[a]]]]><![CDATA[>b & $]]><![CDATA[{AUCTION_PRICE} 'q']]></Impression>)"
                         R"(</InLine></Ad></VAST>)");
}

TEST(CreativeMarkup, ANativeTitleIsAJsonStringThatReadsBackAsTheVariant) {
    const Creative c = template_creative(
        MediaType::native,
        R"({"native":{"assets":[{"id":7,"title":{"text":"{{headline}}"}}],"link":{"url":"https://a.example/?p=${AUCTION_PRICE}"}}})",
        {{"headline", {std::string(kHostile) + "\\ \n"}}});
    const std::string adm = render(c);
    const std::size_t macro = adm.find("${");  // the only macro is the link's
    EXPECT_EQ(adm.substr(macro - 3, 20), "?p=${AUCTION_PRICE}\"") << adm;
    EXPECT_EQ(adm.find("${", macro + 1), std::string::npos) << adm;
    EXPECT_EQ(adm.find('<'), std::string::npos) << adm;
    simdjson::dom::parser p;
    std::string_view title;
    ASSERT_EQ(p.parse(adm)["native"]["assets"].at(0)["title"]["text"].get_string().get(title), simdjson::SUCCESS) << adm;
    EXPECT_EQ(title, std::string(kHostile) + "\\ \n");
}

TEST(CreativeMarkup, NativeAssetsCarryTheRequestsIdsAndUnansweredOnesAreLeftOut) {
    Creative c;
    c.format = MediaType::native;
    c.markup = R"({"native":{"assets":[ {"id":1,"title":{"text":"Hello"}} , {"img":{"url":"https://i.example/a.jpg","w":1200,"h":627}},)"
               R"({"id": 3 ,"data":{"type":2,"value":"Read more"}}],"link":{"url":"https://a.example"}}})";
    CreativeMarkup m;
    ASSERT_FALSE(compile_markup(c, m));
    ASSERT_EQ(m.native_assets.size(), 3u);
    EXPECT_EQ(m.native_assets[0].kind, NativeAssetKind::title);
    EXPECT_EQ(m.native_assets[0].len, 5u);
    EXPECT_EQ(m.native_assets[1].kind, NativeAssetKind::img);
    EXPECT_EQ(m.native_assets[1].type, 3);  // a response img without a type is the main image
    EXPECT_EQ(m.native_assets[1].w, 1200);
    EXPECT_EQ(m.native_assets[2].kind, NativeAssetKind::data);
    EXPECT_EQ(m.native_assets[2].type, 2);

    NativeAnswer answer;
    answer.request_id = {NativeAnswer::kNotServed, 42, 9};
    for (std::size_t i = 3; i < answer.request_id.size(); ++i) answer.request_id[i] = NativeAnswer::kNotServed;
    EXPECT_EQ(render(c, {}, &answer),
              R"({"native":{"assets":[ {"id":42,"img":{"url":"https://i.example/a.jpg","w":1200,"h":627}},)"
              R"({"id": 9 ,"data":{"type":2,"value":"Read more"}}],"link":{"url":"https://a.example"}}})");
    // The last asset left out too: the list closes after the image.
    answer.request_id[2] = NativeAnswer::kNotServed;
    EXPECT_EQ(render(c, {}, &answer),
              R"({"native":{"assets":[ {"id":42,"img":{"url":"https://i.example/a.jpg","w":1200,"h":627}}],"link":{"url":"https://a.example"}}})");
    // Without an answer (no request to answer): every asset with its own id.
    EXPECT_EQ(render(c), R"({"native":{"assets":[ {"id":1,"title":{"text":"Hello"}},{"img":{"url":"https://i.example/a.jpg","w":1200,"h":627}},)"
                         R"({"id": 3 ,"data":{"type":2,"value":"Read more"}}],"link":{"url":"https://a.example"}}})");
}

TEST(CreativeMarkup, ANativeTitleWithSlotsOffersItsLongestVariant) {
    const Creative c = template_creative(MediaType::native,
                                         R"({"assets":[{"id":1,"title":{"text":"{{headline}} – now"}}],"link":{}})",
                                         {{"headline", {"Sale", "Große Auswahl"}}});
    CreativeMarkup m;
    ASSERT_FALSE(compile_markup(c, m));
    EXPECT_EQ(m.native_assets.at(0).len, 13u + 6u);  // characters, not bytes
}

// Loads a line item whose creative is `creative` (TOML lines after the id).
ConfigError template_error(const std::string& creative) {
    std::string text(config_test::kAdvertiserAndCampaign);
    text += "\n[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n[line_item.bid]\nstrategy = \"manual_cpm\"\ncpm = 1.0\n";
    text += "[[line_item.creative]]\nid = \"cr-a\"\nformat = \"banner\"\nw = 300\nh = 250\n" + creative;
    return config_test::load_error(text);
}

TEST(CreativeMarkup, BadTemplatesAreConfigErrorsNamingTheField) {
    ConfigError e = template_error("markup = '<p>{{headline}}</p>'\n");
    EXPECT_EQ(e.field(), "line_item.creative.markup");
    EXPECT_EQ(e.reason(), "{{headline}} names no slot of this creative (slots: none declared)");

    e = template_error("markup = '<p>{{headline}}</p>'\n[line_item.creative.slots]\nheadline = []\n");
    EXPECT_EQ(e.field(), "line_item.creative.slots");
    EXPECT_EQ(e.reason(), "slot \"headline\": needs at least one variant");

    e = template_error("markup = '<p>{{headline}}</p>'\nslots = { headline = [\"a\"], cta = [\"Buy\"] }\n");
    EXPECT_EQ(e.reason(), "slot \"cta\": the markup has no {{cta}}");

    e = template_error("markup = '<p {{headline}}>x</p>'\nslots = { headline = [\"a\"] }\n");
    EXPECT_EQ(e.field(), "line_item.creative.markup");
    EXPECT_EQ(e.reason(), "{{headline}} is inside a tag: only text and quoted attribute values can hold a slot");

    e = template_error("markup = '<script>var h = \"{{headline}}\";</script>'\nslots = { headline = [\"a\"] }\n");
    EXPECT_EQ(e.reason(), "{{headline}} is inside <script>, whose text cannot be escaped");

    e = template_error("markup = '<a href=\"{{landing}}\">x</a>'\nslots = { landing = [\"javascript:alert(1)\"] }\n");
    EXPECT_EQ(e.field(), "line_item.creative.slots");
    EXPECT_EQ(e.reason(), "slot \"landing\": fills a URL attribute, so every variant must be an http(s) URL, not \"javascript:alert(1)\"");

    // 2 × 80 KiB with the longest variant: over the 150 KiB banner limit.
    e = template_error("markup = '<p>{{a}}</p><p>{{a}}</p>'\nslots = { a = [\"short\", \"" + std::string(80 * 1024, 'x') + "\"] }\n");
    EXPECT_EQ(e.field(), "line_item.creative.markup");
    EXPECT_EQ(e.reason(), "rendered with the longest variants: 163854 bytes, over the 150 KiB limit of banner creatives");
}

TEST(CreativeMarkup, SlotsLoadSortedByName) {
    std::string text(config_test::kAdvertiserAndCampaign);
    text += "\n[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n[line_item.bid]\nstrategy = \"manual_cpm\"\ncpm = 1.0\n"
            "[[line_item.creative]]\nid = \"cr-a\"\nformat = \"banner\"\nw = 300\nh = 250\n"
            "markup = '<a href=\"{{image}}\"><b>{{headline}}</b><i>{{cta}}</i></a>'\n"
            "[line_item.creative.slots]\nheadline = [\"A\", \"B\"]\ncta = [\"Buy\"]\nimage = [\"https://i.example/1.png\"]\n";
    const Config config = config_test::load_text(text);
    const auto& slots = config.campaigns.line_items.at(0).creatives.at(0).slots;
    ASSERT_EQ(slots.size(), 3u);
    EXPECT_EQ(slots[0].name, "cta");
    EXPECT_EQ(slots[1].name, "headline");
    EXPECT_EQ(slots[1].variants, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(slots[2].name, "image");
}

}  // namespace
}  // namespace bidline
