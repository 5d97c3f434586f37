// Crash artefacts and bit rot. A torn tail on the LAST segment — cut at any
// byte of the last record, or a last record whose CRC fails — is repaired to
// exactly the records before it, and the number of dropped bytes reported.
// Damage inside an older segment is an error naming the file and offset,
// never skipped: records after it may have been acknowledged.
#include <gtest/gtest.h>

#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/event_log_writer.h"
#include "event_log_test_files.h"

namespace bidline::feeds {
namespace {

using test::at_second;
using test::tagged_payload;

constexpr std::uint64_t kRecords = 5;

// One segment with kRecords records; returns the offset of the last record.
std::uint64_t write_one_segment(const std::filesystem::path& dir) {
    LogWriterOptions o;
    o.directory = dir;
    o.fsync = FsyncPolicy::never;
    LogWriter writer(o, at_second(0));
    for (std::uint64_t i = 1; i <= kRecords; ++i)
        EXPECT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, i, 40 + i), at_second(0)), LogErrc::ok);
    EXPECT_EQ(writer.commit(), LogErrc::ok);
    std::uint64_t last = kSegmentHeaderSize;
    for (std::uint64_t i = 1; i < kRecords; ++i) last += kRecordHeaderSize + 40 + i;
    return last;
}

void expect_first_records(const test::ReadBack& back, std::uint64_t n) {
    ASSERT_FALSE(back.error) << back.error->message();
    ASSERT_EQ(back.payloads.size(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
        const test::Tag t = test::read_tag(back.payloads[i]);
        EXPECT_TRUE(t.intact);
        EXPECT_EQ(t.sequence, i + 1);
    }
}

TEST(EventLogRepair, TornTailAtEveryByteOfTheLastRecordIsCutToTheRecordsBefore) {
    test::TempLogDir dir;
    const std::uint64_t last_offset = write_one_segment(dir.path());
    const std::filesystem::path segment = dir.path() / segment_file_name(1);
    const std::vector<std::byte> whole = test::read_bytes(segment);
    ASSERT_EQ(whole.size(), last_offset + kRecordHeaderSize + 40 + kRecords);

    for (std::uint64_t cut = last_offset + 1; cut < whole.size(); ++cut) {
        SCOPED_TRACE("file cut at " + std::to_string(cut));
        test::write_bytes(segment, std::span(whole).first(cut));

        // Read-only: reports the tear, leaves the file alone.
        const test::ReadBack peek = test::read_all(dir.path(), TailMode::read_only);
        expect_first_records(peek, kRecords - 1);
        ASSERT_TRUE(peek.tail);
        EXPECT_FALSE(peek.tail->applied);
        EXPECT_EQ(std::filesystem::file_size(segment), cut);

        const test::ReadBack repaired = test::read_all(dir.path(), TailMode::repair);
        expect_first_records(repaired, kRecords - 1);
        ASSERT_TRUE(repaired.tail);
        EXPECT_TRUE(repaired.tail->applied);
        EXPECT_EQ(repaired.tail->valid_bytes, last_offset);
        EXPECT_EQ(repaired.tail->dropped_bytes, cut - last_offset);
        EXPECT_EQ(std::filesystem::file_size(segment), last_offset);
        EXPECT_FALSE(test::read_all(dir.path(), TailMode::read_only).tail);  // nothing left to repair
    }
}

TEST(EventLogRepair, ALastRecordWithABadCrcIsATornTail) {
    test::TempLogDir dir;
    const std::uint64_t last_offset = write_one_segment(dir.path());
    const std::filesystem::path segment = dir.path() / segment_file_name(1);
    std::vector<std::byte> bytes = test::read_bytes(segment);
    bytes.back() ^= std::byte{0x40};
    test::write_bytes(segment, bytes);
    const test::ReadBack back = test::read_all(dir.path(), TailMode::repair);
    expect_first_records(back, kRecords - 1);
    ASSERT_TRUE(back.tail);
    EXPECT_EQ(back.tail->reason, "CRC mismatch");
    EXPECT_EQ(back.tail->valid_bytes, last_offset);
}

TEST(EventLogRepair, WriterRepairsOnOpenAndAppendsAfterTheIntactRecords) {
    test::TempLogDir dir;
    const std::uint64_t last_offset = write_one_segment(dir.path());
    const std::filesystem::path segment = dir.path() / segment_file_name(1);
    std::filesystem::resize_file(segment, last_offset + 3);
    {
        LogWriterOptions o;
        o.directory = dir.path();
        LogWriter writer(o, at_second(1));
        ASSERT_TRUE(writer.recovered_tail());
        EXPECT_EQ(writer.recovered_tail()->dropped_bytes, 3u);
        ASSERT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, kRecords), at_second(1)), LogErrc::ok);
    }
    expect_first_records(test::read_all(dir.path()), kRecords);
}

TEST(EventLogRepair, ASegmentWhoseHeaderIsTornIsRemoved) {
    test::TempLogDir dir;
    write_one_segment(dir.path());
    const auto header = encode_segment_header(SegmentHeader{2, at_second(5)});
    test::write_bytes(dir.path() / segment_file_name(2), std::span(header).first(17));
    const test::ReadBack peek = test::read_all(dir.path(), TailMode::read_only);
    expect_first_records(peek, kRecords);
    ASSERT_TRUE(peek.tail);
    EXPECT_TRUE(peek.tail->removed_file);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / segment_file_name(2)));

    const test::ReadBack back = test::read_all(dir.path(), TailMode::repair);
    expect_first_records(back, kRecords);
    EXPECT_EQ(back.tail->dropped_bytes, 17u);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / segment_file_name(2)));
}

TEST(EventLogRepair, CrcCorruptionInAnOlderSegmentIsAnErrorWithItsOffset) {
    test::TempLogDir dir;
    const std::uint64_t last_offset = write_one_segment(dir.path());
    {
        LogWriterOptions o;
        o.directory = dir.path();
        LogWriter second_run(o, at_second(1));  // segment 2
        ASSERT_EQ(second_run.append(RecordType::feed_event, tagged_payload(0, 99), at_second(1)), LogErrc::ok);
    }
    // Flip one payload byte of record 3 in segment 1.
    const std::filesystem::path segment = dir.path() / segment_file_name(1);
    std::vector<std::byte> bytes = test::read_bytes(segment);
    const std::uint64_t third = kSegmentHeaderSize + (kRecordHeaderSize + 41) + (kRecordHeaderSize + 42);
    bytes[third + kRecordHeaderSize + 20] ^= std::byte{1};
    test::write_bytes(segment, bytes);

    for (TailMode mode : {TailMode::read_only, TailMode::repair}) {
        const test::ReadBack back = test::read_all(dir.path(), mode);
        ASSERT_EQ(back.payloads.size(), 2u);  // the records before the damage, then the error
        ASSERT_TRUE(back.error);
        EXPECT_EQ(back.error->code, LogErrc::corrupt_record);
        EXPECT_EQ(back.error->path, segment);
        EXPECT_EQ(back.error->offset, third);
        EXPECT_NE(back.error->message().find("offset " + std::to_string(third)), std::string::npos);
        EXPECT_FALSE(back.tail);
    }
    EXPECT_EQ(std::filesystem::file_size(segment), last_offset + kRecordHeaderSize + 40 + kRecords);  // untouched
}

TEST(EventLogRepair, AHeaderThatContradictsTheFileNameIsAnError) {
    test::TempLogDir dir;
    write_one_segment(dir.path());
    std::filesystem::rename(dir.path() / segment_file_name(1), dir.path() / segment_file_name(4));
    try {
        (void)test::read_all(dir.path(), TailMode::read_only);
        FAIL() << "a renamed segment was accepted";
    } catch (const LogFileError& e) {
        EXPECT_EQ(e.error().code, LogErrc::bad_segment_header);
    }
}

TEST(EventLogRepair, AForeignFileIsNotTruncated) {
    test::TempLogDir dir;
    const std::filesystem::path file = dir.path() / segment_file_name(1);
    std::vector<std::byte> text(100, std::byte{'x'});
    test::write_bytes(file, text);
    EXPECT_THROW((void)test::read_all(dir.path(), TailMode::repair), LogFileError);
    EXPECT_EQ(std::filesystem::file_size(file), 100u);
}

}  // namespace
}  // namespace bidline::feeds
