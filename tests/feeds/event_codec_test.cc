// Event ⇄ flatbuffer: every field survives the trip; damaged bytes are an
// error value.
#include "bidline/feeds/event_codec.h"

#include <gtest/gtest.h>

#include <vector>

#include "bidline/feeds/event_line_parser.h"
#include "bidline/feeds/events_generated.h"

namespace bidline::feeds {
namespace {

Event full_event(EventKind kind) {
    Event e;
    e.kind = kind;
    e.platform = Platform::tiktok;
    (void)e.event_id.assign("ev-1");
    (void)e.request_id.assign("req-1");
    (void)e.imp_id.assign("1");
    (void)e.bid_id.assign("bid-1");
    (void)e.line_item_id.assign("li-1");
    (void)e.creative_id.assign("cr-1");
    (void)e.campaign_id.assign("camp-1");
    (void)e.source.assign("connector-a");
    (void)e.user_id.assign("user-1");
    (void)e.currency.assign("EUR");
    e.ts = UtcMicros{std::chrono::microseconds{1'795'400'000'123'456}};
    e.price = Micros(1250);
    e.loss_reason = 102;
    e.min_to_win = Micros(3300);
    e.value = Micros(19'990'000);
    if (kind == EventKind::spend_report)
        e.spend = SpendFigures{.spend = Micros(12'340'000),
                               .impressions = 1000,
                               .clicks = 25,
                               .conversions = 2.5,
                               .conversion_value = Micros(89'970'000),
                               .bucket_start = UtcMicros{std::chrono::hours{498'722}},
                               .granularity = Granularity::day};
    return e;
}

Event round_trip(const Event& e) {
    flatbuffers::FlatBufferBuilder builder;
    const auto bytes = encode_event(e, builder);
    Event back;
    const FeedError error = decode_event(bytes.data(), bytes.size(), back);
    EXPECT_TRUE(error.ok()) << error.message();
    return back;
}

TEST(EventCodec, EveryKindRoundTripsExactly) {
    for (auto kind : {EventKind::bid, EventKind::win, EventKind::loss, EventKind::impression, EventKind::click,
                      EventKind::conversion, EventKind::spend_report}) {
        const Event e = full_event(kind);
        EXPECT_EQ(round_trip(e), e) << to_string(kind);
    }
}

TEST(EventCodec, AbsentOptionalsStayAbsent) {
    Event e;
    e.kind = EventKind::click;
    (void)e.event_id.assign("c");
    const Event back = round_trip(e);
    EXPECT_EQ(back, e);
    EXPECT_FALSE(back.min_to_win.has_value());
}

TEST(EventCodec, BuilderIsReusedAcrossEvents) {
    flatbuffers::FlatBufferBuilder builder;
    for (int i = 0; i < 3; ++i) {
        builder.Clear();
        const Event e = full_event(EventKind::win);
        const auto bytes = encode_event(e, builder);
        Event back;
        ASSERT_TRUE(decode_event(bytes.data(), bytes.size(), back).ok());
        EXPECT_EQ(back, e);
    }
}

TEST(EventCodec, ParsedLineSurvivesEncoding) {
    EventLineParser parser;
    Event e;
    ASSERT_TRUE(parser
                    .parse_line(R"({"type":"loss","event_id":"e","bid_id":"b","reason":2,"min_to_win":0,)"
                                R"("ts":"2026-11-23T10:00:00Z"})",
                                e)
                    .ok());
    EXPECT_EQ(round_trip(e), e);
}

TEST(EventCodec, DamagedBytesAreAnErrorValue) {
    flatbuffers::FlatBufferBuilder builder;
    const auto bytes = encode_event(full_event(EventKind::win), builder);
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    Event out;
    EXPECT_EQ(decode_event(copy.data(), copy.size() / 2, out).code(), FeedErrc::bad_flatbuffer);
    copy[4] ^= 0xff;  // the file identifier
    EXPECT_EQ(decode_event(copy.data(), copy.size(), out).code(), FeedErrc::bad_flatbuffer);
    const std::uint8_t junk[3] = {1, 2, 3};
    EXPECT_EQ(decode_event(junk, sizeof junk, out).code(), FeedErrc::bad_flatbuffer);
}

// Found by the event stream fuzzer: a win whose flatbuffer also carried a
// spend table decoded with those figures, and no longer round-tripped.
TEST(EventCodec, SpendFiguresAreReadOnlyForSpendReports) {
    flatbuffers::FlatBufferBuilder b;
    const auto spend = fb::CreateSpendReport(b, 5'000'000, 10, 2, 1.5, 0, 0);
    const auto id = b.CreateString("w-with-spend");
    fb::EventBuilder e(b);
    e.add_kind(fb::EventKind::win);
    e.add_event_id(id);
    e.add_ts_us(1'795'400'000'000'000);
    e.add_price_micros(2'000);
    e.add_spend(spend);
    b.Finish(e.Finish(), fb::EventIdentifier());
    Event out;
    ASSERT_TRUE(decode_event(b.GetBufferPointer(), b.GetSize(), out).ok());
    EXPECT_EQ(out.kind, EventKind::win);
    EXPECT_EQ(out.spend, SpendFigures{});
    flatbuffers::FlatBufferBuilder again;
    const auto bytes = encode_event(out, again);
    Event back;
    ASSERT_TRUE(decode_event(bytes.data(), bytes.size(), back).ok());
    EXPECT_EQ(back, out);
}

}  // namespace
}  // namespace bidline::feeds
