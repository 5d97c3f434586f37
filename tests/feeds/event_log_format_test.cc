// The event log's file format: segment names sort like their sequence
// numbers, headers round-trip and reject foreign or damaged files, record
// headers carry length, CRC and type exactly as EVENT_LOG.md specifies.
#include <gtest/gtest.h>

#include <fstream>

#include "bidline/feeds/crc32c.h"
#include "bidline/feeds/event_log_format.h"
#include "event_log_test_files.h"

namespace bidline::feeds {
namespace {

TEST(EventLogFormat, SegmentNamesHaveTwentyDigitsAndParseBack) {
    EXPECT_EQ(segment_file_name(42), "events-00000000000000000042.log");
    EXPECT_EQ(segment_file_name(UINT64_MAX), "events-18446744073709551615.log");
    EXPECT_EQ(parse_segment_file_name("events-00000000000000000042.log"), 42u);
    EXPECT_EQ(parse_segment_file_name(segment_file_name(UINT64_MAX)), UINT64_MAX);
    for (const char* bad : {"events-42.log", "events-0000000000000000004x.log", "events-00000000000000000042.tmp",
                            "ledger-00000000000000000042.log", "events-99999999999999999999.log", ""})
        EXPECT_EQ(parse_segment_file_name(bad), std::nullopt) << bad;
}

TEST(EventLogFormat, ListsSegmentsInSequenceOrderAndIgnoresOtherFiles) {
    test::TempLogDir dir;
    for (std::uint64_t seq : {10u, 2u, 100u}) std::ofstream(dir.path() / segment_file_name(seq)) << "x";
    std::ofstream(dir.path() / "events.lock") << "";
    std::ofstream(dir.path() / "notes.txt") << "";
    const auto segments = list_segments(dir.path());
    ASSERT_EQ(segments.size(), 3u);
    EXPECT_EQ(segments[0].sequence, 2u);
    EXPECT_EQ(segments[1].sequence, 10u);
    EXPECT_EQ(segments[2].sequence, 100u);
    EXPECT_THROW((void)list_segments(dir.path() / "missing"), LogFileError);
}

TEST(EventLogFormat, SegmentHeaderRoundTripsAndRejectsDamage) {
    const SegmentHeader h{7, test::at_second(1'700'000'000) + std::chrono::microseconds(123)};
    auto bytes = encode_segment_header(h);
    EXPECT_EQ(std::memcmp(bytes.data(), "BDLNELOG", 8), 0);
    SegmentHeader out;
    ASSERT_EQ(decode_segment_header(bytes, out), HeaderCheck::ok);
    EXPECT_EQ(out.sequence, 7u);
    EXPECT_EQ(out.created, h.created);

    EXPECT_EQ(decode_segment_header(std::span(bytes).first(39), out), HeaderCheck::too_short);
    auto flipped = bytes;
    flipped[20] ^= std::byte{1};
    EXPECT_EQ(decode_segment_header(flipped, out), HeaderCheck::bad_crc);
    auto foreign = bytes;
    foreign[0] = std::byte{'X'};
    EXPECT_EQ(decode_segment_header(foreign, out), HeaderCheck::bad_magic);
}

TEST(EventLogFormat, RecordHeaderIsLengthCrcOfTypeAndPayloadThenType) {
    const std::string_view text = "payload";
    const auto payload = std::as_bytes(std::span(text.data(), text.size()));
    const auto h = encode_record_header(RecordType::feed_event, payload);
    // Little-endian length 7, then CRC32C over [type byte] + payload, then the type.
    EXPECT_EQ(h[0], std::byte{7});
    EXPECT_EQ(h[1], std::byte{0});
    EXPECT_EQ(h[8], std::byte{3});
    std::vector<std::byte> covered{std::byte{3}};
    covered.insert(covered.end(), payload.begin(), payload.end());
    const std::uint32_t crc = crc32c(covered);
    EXPECT_EQ(h[4], static_cast<std::byte>(crc & 0xFF));
    EXPECT_EQ(h[7], static_cast<std::byte>(crc >> 24));
    const RecordFrame f = decode_record_header(h);
    EXPECT_EQ(f.length, 7u);
    EXPECT_EQ(f.crc, crc);
    EXPECT_EQ(f.type, RecordType::feed_event);
}

}  // namespace
}  // namespace bidline::feeds
