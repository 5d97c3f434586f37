// The binary event stream's framing as a client or server sees it: frames
// written by the append_* functions read back whole, partial input waits,
// a bad length is refused before any payload is trusted, HELLO names are
// checked, and decoded events are validated like NDJSON lines.
#include <gtest/gtest.h>

#include <flatbuffers/flatbuffers.h>

#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_stream_protocol.h"

namespace bidline::feeds::stream {
namespace {

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Event valid_win() {
    Event e;
    e.kind = EventKind::win;
    (void)e.event_id.assign("e1");
    (void)e.bid_id.assign("b1");
    (void)e.line_item_id.assign("li-1");
    e.price = Micros(1'250);
    e.ts = UtcMicros{std::chrono::milliseconds{1'795'400'000'000}};
    return e;
}

TEST(EventStreamProtocol, FramesReadBackInOrderAndPartialInputWaits) {
    std::string wire;
    append_hello(wire, "connector-7");
    flatbuffers::FlatBufferBuilder fbb;
    const auto fb = encode_event(valid_win(), fbb);
    append_event(wire, 42, fb);
    append_ack(wire, 42);

    FrameView f = next_frame(bytes(wire));
    ASSERT_EQ(f.status, FrameStatus::complete);
    EXPECT_EQ(f.type, static_cast<std::uint8_t>(FrameType::hello));
    Hello hello;
    EXPECT_EQ(parse_hello(f.payload, hello), "");
    EXPECT_EQ(hello.name, "connector-7");
    EXPECT_EQ(hello.api_key, "");

    std::size_t pos = f.consumed;
    f = next_frame(bytes(wire).subspan(pos));
    ASSERT_EQ(f.status, FrameStatus::complete);
    EXPECT_EQ(f.type, static_cast<std::uint8_t>(FrameType::event));
    EXPECT_EQ(read_seq(f.payload), 42u);
    Event back;
    ASSERT_TRUE(decode_event(f.payload.data() + kSeqBytes, f.payload.size() - kSeqBytes, back).ok());
    EXPECT_EQ(back, valid_win());

    pos += f.consumed;
    const std::string ack = wire.substr(pos);
    for (std::size_t cut = 0; cut < ack.size(); ++cut)
        EXPECT_EQ(next_frame(bytes(ack.substr(0, cut))).status, FrameStatus::incomplete) << cut;
    f = next_frame(bytes(ack));
    ASSERT_EQ(f.status, FrameStatus::complete);
    EXPECT_EQ(f.consumed, ack.size());
}

TEST(EventStreamProtocol, ZeroOrOversizedLengthIsRefusedBeforeThePayloadArrives) {
    EXPECT_EQ(next_frame(bytes(std::string("\0\0\0\0", 4))).status, FrameStatus::bad_length);
    const std::string big("\x01\x20\x00\x00", 4);  // 8193 = kMaxFrameLength + 1
    const FrameView f = next_frame(bytes(big));
    EXPECT_EQ(f.status, FrameStatus::bad_length);
    EXPECT_EQ(f.length, kMaxFrameLength + 1);
}

TEST(EventStreamProtocol, HelloNeedsVersionOneAndAPrintableName) {
    Hello h;
    EXPECT_NE(parse_hello(bytes(std::string("\x02x", 2)), h), "");
    EXPECT_NE(parse_hello(bytes(std::string("\x01", 1)), h), "");
    EXPECT_NE(parse_hello(bytes(std::string("\x01"
                                            "a b",
                                            4)),
                          h),
              "");
    EXPECT_NE(parse_hello(bytes("\x01" + std::string(64, 'n')), h), "");
    EXPECT_EQ(parse_hello(bytes("\x01" + std::string(63, 'n')), h), "");
}

TEST(EventStreamProtocol, HelloMayCarryAnApiKeyAfterTheName) {
    std::string wire;
    append_hello(wire, "connector-7", "bl_0123456789abcdef_secret");
    const FrameView f = next_frame(bytes(wire));
    ASSERT_EQ(f.status, FrameStatus::complete);
    Hello h;
    EXPECT_EQ(parse_hello(f.payload, h), "");
    EXPECT_EQ(h.name, "connector-7");
    EXPECT_EQ(h.api_key, "bl_0123456789abcdef_secret");
    EXPECT_EQ(parse_hello(bytes(std::string("\x01name\0", 6)), h), "HELLO with an empty API key after the name");
    EXPECT_EQ(parse_hello(bytes(std::string("\x01\0key", 5)), h), "HELLO with an empty stream name");
}

TEST(EventStreamProtocol, RejectCarriesSequenceCodeAndReason) {
    std::string wire;
    append_reject(wire, 7, FeedErrc::missing_field, "missing \"bid_id\"");
    const FrameView f = next_frame(bytes(wire));
    ASSERT_EQ(f.status, FrameStatus::complete);
    const auto r = parse_reject(f.payload);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->seq, 7u);
    EXPECT_EQ(r->code, FeedErrc::missing_field);
    EXPECT_EQ(r->reason, "missing \"bid_id\"");
}

TEST(EventStreamProtocol, EventsAreValidatedLikeNdjsonLines) {
    Event e = valid_win();
    EXPECT_TRUE(check_stream_event(e).ok());

    e = valid_win();
    e.line_item_id = {};
    EXPECT_EQ(check_stream_event(e).message(), "missing \"line_item\" (required for win)");

    e = valid_win();
    e.ts = UtcMicros{std::chrono::seconds{1'795'400'000}} - std::chrono::hours(24 * 365 * 60);
    EXPECT_EQ(check_stream_event(e).code(), FeedErrc::bad_timestamp);

    e = valid_win();
    e.price = Micros(-1);
    EXPECT_EQ(check_stream_event(e).code(), FeedErrc::out_of_range);

    e = valid_win();
    e.kind = EventKind::click;
    e.bid_id = {};
    EXPECT_EQ(check_stream_event(e).code(), FeedErrc::missing_field);
    (void)e.request_id.assign("r1");
    (void)e.imp_id.assign("1");
    EXPECT_TRUE(check_stream_event(e).ok());

    e = valid_win();
    e.kind = EventKind::conversion;
    EXPECT_TRUE(check_stream_event(e).ok());
    EXPECT_EQ(e.currency.view(), "USD") << "as on the NDJSON path";
    (void)e.currency.assign("usd");
    EXPECT_EQ(check_stream_event(e).code(), FeedErrc::bad_currency);
}

}  // namespace
}  // namespace bidline::feeds::stream
