// POST /v1/events bodies: what a client sees accepted, and the exact reason
// and line number of each rejection.
#include "bidline/feeds/event_line_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bidline/feeds/time_text.h"

namespace bidline::feeds {
namespace {

using namespace std::chrono;

UtcMicros utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
    return UtcMicros{sys_days{year{y} / m / d}} + hours{h} + minutes{min} + seconds{s};
}

struct Rejected {
    std::uint32_t line;
    FeedErrc code;
    std::string message;
    bool operator==(const Rejected&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rejected& r) {
    return os << "line " << r.line << " " << to_string(r.code) << ": " << r.message;
}

struct BatchResult {
    std::vector<std::pair<std::uint32_t, Event>> accepted;
    std::vector<Rejected> rejected;
    BatchCounts counts;
};

BatchResult parse(std::string_view body, FeedLimits limits = {}) {
    EventLineParser parser(limits);
    BatchResult r;
    r.counts = parser.parse_batch(
        body, [&](const Event& e, std::uint32_t line) { r.accepted.emplace_back(line, e); },
        [&](std::uint32_t line, const FeedError& error) {
            r.rejected.push_back({line, error.code(), std::string(error.message())});
        });
    return r;
}

FeedError parse_one(std::string_view line, Event& out) {
    EventLineParser parser;
    return parser.parse_line(line, out);
}

Rejected reject_one(std::string_view line) {
    Event e;
    const FeedError error = parse_one(line, e);
    return {0, error.code(), std::string(error.message())};
}

TEST(EventLineParser, WinWithCpmPriceBecomesPerImpressionMicros) {
    Event e;
    ASSERT_TRUE(parse_one(R"({"type":"win","event_id":"e1","bid_id":"b1","line_item":"li-7","price":1.25,)"
                          R"("ts":"2026-11-23T10:00:00Z"})",
                          e)
                    .ok());
    EXPECT_EQ(e.kind, EventKind::win);
    EXPECT_EQ(e.event_id, "e1");
    EXPECT_EQ(e.bid_id, "b1");
    EXPECT_EQ(e.line_item_id, "li-7");
    EXPECT_EQ(e.price, Micros(1250));  // CPM 1.25 → 0.00125 per impression
    EXPECT_EQ(e.ts, utc(2026, 11, 23, 10));
}

TEST(EventLineParser, EveryKindParsesWithItsFields) {
    Event e;
    ASSERT_TRUE(parse_one(R"({"type":"bid","event_id":"e","request_id":"r","imp_id":"1","bid_id":"b",)"
                          R"("line_item":"li","creative":"cr","campaign":"c","price":2,"ts":1795400000000})",
                          e)
                    .ok());
    EXPECT_EQ(e.kind, EventKind::bid);
    EXPECT_EQ(e.request_id, "r");
    EXPECT_EQ(e.imp_id, "1");
    EXPECT_EQ(e.creative_id, "cr");
    EXPECT_EQ(e.campaign_id, "c");
    EXPECT_EQ(e.price, Micros(2000));
    EXPECT_EQ(e.ts, UtcMicros{milliseconds{1795400000000}});

    ASSERT_TRUE(parse_one(R"({"type":"loss","event_id":"e","bid_id":"b","reason":102,"min_to_win":3.5,)"
                          R"("ts":"2026-11-23T10:00:00.5+01:00"})",
                          e)
                    .ok());
    EXPECT_EQ(e.kind, EventKind::loss);
    EXPECT_EQ(e.loss_reason, 102);
    EXPECT_EQ(e.min_to_win, Micros(3500));
    EXPECT_EQ(e.ts, utc(2026, 11, 23, 9) + milliseconds{500});

    ASSERT_TRUE(parse_one(R"({"type":"loss","event_id":"e","bid_id":"b","reason":1,"ts":1795400000000})", e).ok());
    EXPECT_FALSE(e.min_to_win.has_value());

    ASSERT_TRUE(
        parse_one(R"({"type":"impression","event_id":"e","bid_id":"b","line_item":"li","ts":1795400000000})", e)
            .ok());
    EXPECT_EQ(e.kind, EventKind::impression);

    ASSERT_TRUE(
        parse_one(R"({"type":"click","event_id":"e","request_id":"r","imp_id":"1","ts":1795400000000})", e).ok());
    EXPECT_EQ(e.kind, EventKind::click);

    ASSERT_TRUE(parse_one(R"({"type":"conversion","event_id":"e","bid_id":"b","value":19.99,"ts":1795400000000})", e)
                    .ok());
    EXPECT_EQ(e.value, Micros(19'990'000));
    EXPECT_EQ(e.currency, "USD");  // the default
    ASSERT_TRUE(parse_one(R"({"type":"conversion","event_id":"e","bid_id":"b","value":5,"currency":"EUR",)"
                          R"("source":"shopify","platform":"meta","ts":1795400000000})",
                          e)
                    .ok());
    EXPECT_EQ(e.currency, "EUR");
    EXPECT_EQ(e.source, "shopify");
    EXPECT_EQ(e.platform, Platform::meta);

    ASSERT_TRUE(parse_one(R"({"type":"spend_report","event_id":"e","campaign":"c","spend":12.5,"impressions":1000,)"
                          R"("clicks":20,"conversions":1.5,"conversion_value":30,"ts":"2026-11-23T10:42:00Z"})",
                          e)
                    .ok());
    EXPECT_EQ(e.kind, EventKind::spend_report);
    EXPECT_EQ(e.spend.spend, Micros(12'500'000));
    EXPECT_EQ(e.spend.impressions, 1000);
    EXPECT_EQ(e.spend.clicks, 20);
    EXPECT_EQ(e.spend.conversions, 1.5);
    EXPECT_EQ(e.spend.conversion_value, Micros(30'000'000));
    EXPECT_EQ(e.spend.bucket_start, utc(2026, 11, 23, 10));
}

TEST(EventLineParser, FieldOrderDoesNotMatterAndUnknownFieldsAreIgnored) {
    Event e;
    ASSERT_TRUE(parse_one(R"({"ts":1795400000000,"price":1,"extra":{"nested":[1,2,{"x":null}]},"line_item":"li",)"
                          R"("bid_id":"b","event_id":"e","type":"win"})",
                          e)
                    .ok());
    EXPECT_EQ(e.kind, EventKind::win);
    EXPECT_EQ(e.price, Micros(1000));
}

TEST(EventLineParser, EscapedStringsAreUnescaped) {
    Event e;
    ASSERT_TRUE(parse_one(R"({"type":"impression","event_id":"e\"1\u00e9","bid_id":"b","line_item":"li",)"
                          R"("ts":1795400000000})",
                          e)
                    .ok());
    EXPECT_EQ(e.event_id, "e\"1\xc3\xa9");
}

TEST(EventLineParser, RejectionsNameTheFieldAndTheProblem) {
    const std::string ts = R"(,"ts":1795400000000})";
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":"e","bid_id":"b","line_item":"li")" + ts),
              (Rejected{0, FeedErrc::missing_field, R"(missing "price" (required for win))"}));
    EXPECT_EQ(reject_one(R"({"type":"view","event_id":"e")" + ts),
              (Rejected{0, FeedErrc::unknown_type,
                        R"(type: unknown event type "view" (bid, win, loss, impression, click, conversion, spend_report))"}));
    EXPECT_EQ(reject_one(R"({"event_id":"e")" + ts), (Rejected{0, FeedErrc::missing_field, R"(missing "type")"}));
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":"e","bid_id":"b","line_item":"li","price":"1.25")" + ts),
              (Rejected{0, FeedErrc::wrong_type, "price: expected a number"}));
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":"e","bid_id":"b","line_item":"li","price":-1)" + ts),
              (Rejected{0, FeedErrc::out_of_range, "price: negative"}));
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":"e","bid_id":"b","line_item":"li","price":1e7)" + ts),
              (Rejected{0, FeedErrc::out_of_range, "price: above 1e+06"}));
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":7,"bid_id":"b","line_item":"li","price":1)" + ts),
              (Rejected{0, FeedErrc::wrong_type, "event_id: expected a string"}));
    EXPECT_EQ(reject_one(R"({"type":"win","event_id":"","bid_id":"b","line_item":"li","price":1)" + ts),
              (Rejected{0, FeedErrc::missing_field, "event_id: empty"}));
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":"e","imp_id":"1")" + ts),
              (Rejected{0, FeedErrc::missing_field,
                        R"(missing "bid_id" (or "request_id" and "imp_id"), required for click)"}));
    EXPECT_EQ(reject_one(R"({"type":"loss","event_id":"e","bid_id":"b","reason":1.5)" + ts),
              (Rejected{0, FeedErrc::wrong_type, "reason: expected an integer"}));
    EXPECT_EQ(reject_one(R"({"type":"conversion","event_id":"e","bid_id":"b","currency":"usd")" + ts),
              (Rejected{0, FeedErrc::bad_currency, R"(currency: expected an ISO 4217 code like "USD")"}));
    EXPECT_EQ(reject_one(R"({"type":"click","type":"click","event_id":"e","bid_id":"b")" + ts),
              (Rejected{0, FeedErrc::duplicate_field, R"(duplicate field "type")"}));
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":")" + std::string(64, 'x') + R"(","bid_id":"b")" + ts),
              (Rejected{0, FeedErrc::text_too_long, "event_id: longer than 63 bytes"}));
    EXPECT_EQ(reject_one(R"([1,2])"), (Rejected{0, FeedErrc::not_an_object, "line is not a JSON object"}));
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":"e","bid_id":"b","ts":1795400000000} x)").code,
              FeedErrc::invalid_json);
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":"e","bid_id":"b","ts":1795400000000} {})").code,
              FeedErrc::invalid_json);
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":"e","bid_id":"b",)").code, FeedErrc::invalid_json);
    EXPECT_EQ(reject_one(R"({"type":"click" "event_id":"e"})").code, FeedErrc::invalid_json);
}

// Holdout users get no bid: their conversions name the user instead, and
// any event may carry the user (attribution paths from the log).
TEST(EventLineParser, ConversionsMayNameOnlyTheirUser) {
    const std::string ts = R"(,"ts":1795400000000})";
    const auto r = parse(R"({"type":"conversion","event_id":"e","user_id":"u-1","value":2.5)" + ts + "\n" +
                         R"({"type":"impression","event_id":"i","bid_id":"b","line_item":"li","user_id":"u-2")" + ts);
    ASSERT_EQ(r.accepted.size(), 2u);
    EXPECT_EQ(r.accepted[0].second.user_id.view(), "u-1");
    EXPECT_EQ(r.accepted[0].second.value, Micros::from_units(2.5));
    EXPECT_TRUE(r.accepted[0].second.bid_id.empty());
    EXPECT_EQ(r.accepted[1].second.user_id.view(), "u-2");
    EXPECT_EQ(reject_one(R"({"type":"conversion","event_id":"e")" + ts),
              (Rejected{0, FeedErrc::missing_field,
                        R"(missing "bid_id" (or "request_id" and "imp_id", or "user_id"), required for conversion)"}));
    // A click is on an impression we served: it still needs the bid.
    EXPECT_EQ(reject_one(R"({"type":"click","event_id":"e","user_id":"u-1")" + ts).code, FeedErrc::missing_field);
    EXPECT_EQ(reject_one(R"({"type":"conversion","event_id":"e","user_id":")" + std::string(64, 'u') + "\"" + ts),
              (Rejected{0, FeedErrc::text_too_long, "user_id: longer than 63 bytes"}));
}

TEST(EventLineParser, BadTimestampsAreRejectedWithTheUnitHint) {
    const std::string head = R"({"type":"click","event_id":"e","bid_id":"b","ts":)";
    EXPECT_EQ(reject_one(head + "1795400000}"),  // seconds, not milliseconds
              (Rejected{0, FeedErrc::bad_timestamp,
                        "ts: 1795400000 is outside the years 2000-2099 in milliseconds since the epoch"}));
    EXPECT_EQ(reject_one(head + "1795400000000000}"),  // microseconds
              (Rejected{0, FeedErrc::bad_timestamp,
                        "ts: 1795400000000000 is outside the years 2000-2099 in milliseconds since the epoch"}));
    EXPECT_EQ(reject_one(head + "1795400000000.5}"),
              (Rejected{0, FeedErrc::bad_timestamp, "ts: expected integer milliseconds since the epoch"}));
    EXPECT_EQ(reject_one(head + R"("2026-11-23 10:00:00"})"),
              (Rejected{0, FeedErrc::bad_timestamp,
                        R"(ts: "2026-11-23 10:00:00" is not an RFC 3339 time like "2026-11-23T10:00:00Z")"}));
    EXPECT_EQ(reject_one(head + R"("2026-02-30T10:00:00Z"})").code, FeedErrc::bad_timestamp);
    EXPECT_EQ(reject_one(head + R"("1999-12-31T23:59:59Z"})"),
              (Rejected{0, FeedErrc::bad_timestamp, "ts: outside the years 2000-2099"}));
    EXPECT_EQ(reject_one(head + "true}"),
              (Rejected{0, FeedErrc::wrong_type,
                        "ts: expected an RFC 3339 string or integer milliseconds since the epoch"}));
}

TEST(EventLineParser, BatchReportsEachRejectedLineByNumberAndSkipsBlankLines) {
    const std::string body =
        "{\"type\":\"win\",\"event_id\":\"e1\",\"bid_id\":\"b1\",\"line_item\":\"li\",\"price\":1,\"ts\":1795400000000}\r\n"
        "\r\n"
        "{\"type\":\"win\",\"event_id\":\"e2\"}\n"
        "   \n"
        "not json\n"
        "{\"type\":\"click\",\"event_id\":\"e3\",\"bid_id\":\"b1\",\"ts\":1795400000000}";  // no final newline
    const BatchResult r = parse(body);
    EXPECT_EQ(r.counts, (BatchCounts{.accepted = 2, .rejected = 2, .blank = 2}));
    ASSERT_EQ(r.accepted.size(), 2u);
    EXPECT_EQ(r.accepted[0].first, 1u);
    EXPECT_EQ(r.accepted[0].second.event_id, "e1");
    EXPECT_EQ(r.accepted[1].first, 6u);
    EXPECT_EQ(r.accepted[1].second.event_id, "e3");
    ASSERT_EQ(r.rejected.size(), 2u);
    EXPECT_EQ(r.rejected[0], (Rejected{3, FeedErrc::missing_field, R"(missing "bid_id" (required for win))"}));
    EXPECT_EQ(r.rejected[1], (Rejected{5, FeedErrc::not_an_object, "line is not a JSON object"}));
}

TEST(EventLineParser, LongLinesAreRejectedWithoutParsing) {
    const BatchResult r = parse(std::string(100, ' ') + "x\n{}", FeedLimits{.max_line_bytes = 64});
    ASSERT_EQ(r.rejected.size(), 2u);
    EXPECT_EQ(r.rejected[0], (Rejected{1, FeedErrc::line_too_long, "line is 101 bytes, the limit is 64"}));
    EXPECT_EQ(r.rejected[1], (Rejected{2, FeedErrc::missing_field, R"(missing "type")"}));
}

TEST(FeedLimits, BodySizeBeyondTheLimitIs413) {
    EXPECT_TRUE(check_body_size(100, 100).ok());
    const FeedError e = check_body_size(101, 100);
    EXPECT_EQ(e.code(), FeedErrc::body_too_large);
    EXPECT_EQ(e.message(), "body is 101 bytes, the limit is 100");
}

TEST(TimeText, Rfc3339Forms) {
    UtcMicros t;
    ASSERT_TRUE(parse_rfc3339("2026-11-23T10:00:00.123456789Z", t));
    EXPECT_EQ(t, utc(2026, 11, 23, 10) + microseconds{123456});
    ASSERT_TRUE(parse_rfc3339("2026-11-23t05:30:00-05:30", t));
    EXPECT_EQ(t, utc(2026, 11, 23, 11));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00", t));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T24:00:00Z", t));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:60Z", t));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00.Z", t));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00Zx", t));
    EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00+0100", t));
}

}  // namespace
}  // namespace bidline::feeds
