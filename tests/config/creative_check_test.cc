// Creative format checks: MIME types by format, markup size limits, VAST
// well-formedness and required elements, Native responses; and the
// reader's error naming the creative's field and line.
#include <gtest/gtest.h>

#include "bidline/config/creative_check.h"
#include "config_test_files.h"

namespace bidline {
namespace {

const std::string kInLine = R"(<VAST version="4.1"><Ad id="a"><InLine><AdSystem>bidline</AdSystem><AdTitle>Spot</AdTitle>
<Impression><![CDATA[https://t.example/imp?p=${AUCTION_PRICE}]]></Impression><Creatives><Creative><Linear>
<Duration>00:00:15</Duration><MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360">
<![CDATA[https://cdn.example/a.mp4]]></MediaFile></MediaFiles></Linear></Creative></Creatives></InLine></Ad></VAST>)";

Creative creative(MediaType format, std::string mime, std::string markup) {
    Creative c;
    c.format = format;
    c.mime = std::move(mime);
    c.markup = std::move(markup);
    return c;
}

// The reason of the problem with `field`, or "" when the creative passes.
std::string problem(const Creative& c, std::string_view field = "markup") {
    const auto p = creative_problem(c);
    if (!p) return "";
    EXPECT_EQ(p->field, field) << p->reason;
    return p->reason;
}

std::string vast(const std::string& markup) { return problem(creative(MediaType::video, "video/mp4", markup)); }

TEST(CreativeCheck, AValidVastInLineOrWrapperPasses) {
    EXPECT_EQ(vast(kInLine), "");
    EXPECT_EQ(vast(R"(<VAST version="3.0"><Ad><Wrapper><AdSystem>x</AdSystem><VASTAdTagURI>https://a.example/v.xml</VASTAdTagURI></Wrapper></Ad></VAST>)"), "");
    EXPECT_EQ(problem(creative(MediaType::audio, "audio/mpeg", kInLine)), "");
}

TEST(CreativeCheck, VastMustBeWellFormedWithItsRequiredElements) {
    EXPECT_NE(vast("<VAST version=\"4.0\"><Ad>").find("not well-formed XML"), std::string::npos);
    EXPECT_NE(vast("<div>video</div>").find("root element must be <VAST>"), std::string::npos);
    EXPECT_NE(vast("<VAST version=\"5.0\"><Ad/></VAST>").find("\"5.0\""), std::string::npos);
    EXPECT_NE(vast("<VAST version=\"4.0\"></VAST>").find("no <Ad>"), std::string::npos);
    EXPECT_NE(vast("<VAST version=\"4.0\"><Ad/></VAST>").find("exactly one of <InLine> and <Wrapper>"), std::string::npos);
    for (const std::string element : {"<AdSystem>bidline</AdSystem>", "<AdTitle>Spot</AdTitle>"}) {
        std::string markup = kInLine;
        markup.erase(markup.find(element), element.size());
        EXPECT_NE(vast(markup).find("<InLine> lacks"), std::string::npos) << element;
    }
    std::string no_duration = kInLine;
    no_duration.replace(no_duration.find("00:00:15"), 8, "");
    EXPECT_NE(vast(no_duration).find("<Duration>"), std::string::npos);
    std::string no_media = kInLine;
    no_media.replace(no_media.find("<![CDATA[https://cdn.example/a.mp4]]>"), 37, "");
    EXPECT_NE(vast(no_media).find("<MediaFile> with a URL"), std::string::npos);
    EXPECT_NE(vast(R"(<VAST version="4.0"><Ad><Wrapper><AdSystem>x</AdSystem></Wrapper></Ad></VAST>)").find("<VASTAdTagURI>"),
              std::string::npos);
}

TEST(CreativeCheck, MimeTypesMustSuitTheFormat) {
    EXPECT_EQ(problem(creative(MediaType::banner, "image/png", "<img>")), "");
    EXPECT_NE(problem(creative(MediaType::banner, "video/mp4", "<img>"), "mime").find("not a banner MIME type"),
              std::string::npos);
    EXPECT_NE(problem(creative(MediaType::video, "audio/mpeg", kInLine), "mime").find("video/mp4"), std::string::npos);
    EXPECT_NE(problem(creative(MediaType::native, "text/html", "{}"), "mime").find("application/json"), std::string::npos);
}

TEST(CreativeCheck, MarkupOverItsFormatsLimitIsRefused) {
    EXPECT_EQ(problem(creative(MediaType::banner, "text/html", std::string(150 * 1024, 'x'))), "");
    EXPECT_EQ(problem(creative(MediaType::banner, "text/html", std::string(150 * 1024 + 1, 'x'))),
              "153601 bytes: over the 150 KiB limit of banner creatives");
}

TEST(CreativeCheck, NativeMarkupIsANativeResponse) {
    const auto native = [](std::string markup) { return problem(creative(MediaType::native, "application/json", markup)); };
    EXPECT_EQ(native(R"({"native":{"ver":"1.2","assets":[{"id":1,"title":{"text":"Hi"}}],"link":{"url":"https://a.example"}}})"), "");
    EXPECT_EQ(native(R"({"assets":[],"link":{"url":"https://a.example"}})"), "");  // 1.2 without the wrapper
    EXPECT_EQ(native("{\"native\":"), "native: not well-formed JSON");
    EXPECT_EQ(native(R"({"native":{"link":{}}})"), "native: the Native response has no \"assets\" list");
    EXPECT_EQ(native(R"({"native":{"assets":[]}})"), "native: the Native response has no \"link\" object");
}

TEST(CreativeCheck, TheReaderNamesTheCreativesFieldAndLine) {
    std::string text = config_test::with_line_item("strategy = \"manual_cpm\"\ncpm = 2.0");
    text.replace(text.find("format = \"banner\""), 17, "format = \"video\"\nmime = \"video/mp4\"");
    text.replace(text.find("markup = \"<img>\""), 16, "markup = \"<VAST version=\\\"4.0\\\"></VAST>\"");
    const ConfigError e = config_test::load_error(text);
    EXPECT_EQ(e.field(), "line_item.creative.markup");
    EXPECT_EQ(e.line(), config_test::line_of(text, "markup ="));
    EXPECT_EQ(e.reason(), "VAST: <VAST> holds no <Ad>");

    text = config_test::with_line_item("strategy = \"manual_cpm\"\ncpm = 2.0");
    text.replace(text.find("markup = \"<img>\""), 16, "mime = \"text/plain\"\nmarkup = \"<img>\"");
    EXPECT_EQ(config_test::load_error(text).field(), "line_item.creative.mime");
}

}  // namespace
}  // namespace bidline
