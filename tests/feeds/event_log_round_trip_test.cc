// LogWriter -> LogReader: what is appended comes back byte for byte and in
// order, across size and age rotations and across reopenings; the fsync
// policies sync exactly when they promise; one writer per directory.
#include <gtest/gtest.h>

#include <random>

#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/event_log_writer.h"
#include "event_log_test_files.h"
#include "event_log_test_syncer.h"

namespace bidline::feeds {
namespace {

using test::at_second;
using test::tagged_payload;

LogWriterOptions small_segments(const std::filesystem::path& dir, LogSyncer* syncer = nullptr) {
    LogWriterOptions o;
    o.directory = dir;
    o.segment_bytes = 4096;
    o.write_buffer_bytes = 1024;
    o.syncer = syncer;
    return o;
}

TEST(EventLogRoundTrip, RecordsComeBackInOrderAcrossSizeRotations) {
    test::TempLogDir dir;
    std::mt19937 rng(11);
    std::vector<std::vector<std::byte>> written;
    {
        LogWriter writer(small_segments(dir.path()), at_second(0));
        for (std::uint64_t i = 1; i <= 1000; ++i) {
            written.push_back(tagged_payload(0, i, 12 + rng() % 300));
            ASSERT_EQ(writer.append(RecordType::feed_event, written.back(), at_second(0)), LogErrc::ok);
            if (i % 17 == 0) {
                ASSERT_EQ(writer.commit(), LogErrc::ok);
            }
        }
        ASSERT_EQ(writer.commit(), LogErrc::ok);
        EXPECT_GT(writer.stats().segments_created, 30u);
    }
    const auto segments = list_segments(dir.path());
    for (const auto& s : segments) EXPECT_LE(std::filesystem::file_size(s.path), 4096u) << s.path;

    const test::ReadBack back = test::read_all(dir.path());
    ASSERT_FALSE(back.error) << back.error->message();
    EXPECT_FALSE(back.tail);
    ASSERT_EQ(back.payloads, written);
    for (std::size_t i = 1; i < back.views.size(); ++i) {
        const RecordView& a = back.views[i - 1];
        const RecordView& b = back.views[i];
        if (a.segment == b.segment)
            EXPECT_EQ(b.offset, a.offset + kRecordHeaderSize + written[i - 1].size());
        else
            EXPECT_EQ(b.offset, kSegmentHeaderSize);
        EXPECT_EQ(b.type, RecordType::feed_event);
    }
}

TEST(EventLogRoundTrip, RotatesWhenTheSegmentIsOlderThanTheLimit) {
    test::TempLogDir dir;
    LogWriterOptions o = small_segments(dir.path());
    o.segment_bytes = 1 << 20;
    o.segment_age = std::chrono::minutes(60);
    LogWriter writer(o, at_second(0));
    const auto p = tagged_payload(0, 1);
    ASSERT_EQ(writer.append(RecordType::bid_decision, p, at_second(0)), LogErrc::ok);
    ASSERT_EQ(writer.append(RecordType::bid_decision, p, at_second(59 * 60)), LogErrc::ok);
    EXPECT_EQ(writer.segment_sequence(), 1u);
    ASSERT_EQ(writer.append(RecordType::bid_decision, p, at_second(60 * 60)), LogErrc::ok);
    EXPECT_EQ(writer.segment_sequence(), 2u);
    ASSERT_EQ(writer.commit(), LogErrc::ok);

    SegmentReader second = SegmentReader::open(dir.path() / segment_file_name(2), 2);
    EXPECT_EQ(second.header().created, at_second(3600));
}

TEST(EventLogRoundTrip, ReopeningRecoversAndContinuesInANewSegment) {
    test::TempLogDir dir;
    for (std::uint64_t run = 0; run < 3; ++run) {
        LogWriter writer(small_segments(dir.path()), at_second(static_cast<std::int64_t>(run)));
        EXPECT_EQ(writer.segment_sequence(), run + 1);
        EXPECT_FALSE(writer.recovered_tail());
        for (std::uint64_t i = 1; i <= 5; ++i)
            ASSERT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, run * 5 + i), at_second(0)), LogErrc::ok);
    }  // the destructor commits
    const test::ReadBack back = test::read_all(dir.path());
    ASSERT_EQ(back.payloads.size(), 15u);
    for (std::uint64_t i = 0; i < 15; ++i) EXPECT_EQ(test::read_tag(back.payloads[i]).sequence, i + 1);
}

TEST(EventLogRoundTrip, OnlyOneWriterPerDirectory) {
    test::TempLogDir dir;
    LogWriter first(small_segments(dir.path()), at_second(0));
    try {
        LogWriter second(small_segments(dir.path()), at_second(0));
        FAIL() << "a second writer opened a locked directory";
    } catch (const LogFileError& e) {
        EXPECT_EQ(e.error().code, LogErrc::directory_locked);
    }
}

TEST(EventLogRoundTrip, RecordsLargerThanBufferOrSegmentStillRoundTrip) {
    test::TempLogDir dir;
    const auto big = tagged_payload(0, 1, 10'000);  // > write buffer and > segment size
    const auto small = tagged_payload(0, 2, 20);
    {
        LogWriter writer(small_segments(dir.path()), at_second(0));
        ASSERT_EQ(writer.append(RecordType::bid_request, small, at_second(0)), LogErrc::ok);
        ASSERT_EQ(writer.append(RecordType::bid_request, big, at_second(0)), LogErrc::ok);
        ASSERT_EQ(writer.append(RecordType::bid_request, small, at_second(0)), LogErrc::ok);
        ASSERT_EQ(writer.commit(), LogErrc::ok);
        EXPECT_EQ(writer.segment_sequence(), 3u);  // the big one got a segment of its own
        const std::vector<std::byte> too_big(kMaxRecordPayload + 1);
        EXPECT_EQ(writer.append(RecordType::bid_request, too_big, at_second(0)), LogErrc::record_too_large);
    }
    const test::ReadBack back = test::read_all(dir.path());
    ASSERT_EQ(back.payloads.size(), 3u);
    EXPECT_EQ(back.payloads[1], big);
}

TEST(EventLogRoundTrip, FsyncPolicySyncsPerRecordPerCommitOrNever) {
    struct Case {
        FsyncPolicy policy;
        int expected_data_syncs;  // after open: 4 appends, 2 commits
    };
    // Opening syncs the new segment's header once (not under `never`).
    for (const Case c :
         {Case{FsyncPolicy::always, 1 + 4}, Case{FsyncPolicy::group, 1 + 2}, Case{FsyncPolicy::never, 0}}) {
        SCOPED_TRACE(std::string(to_string(c.policy)));
        test::TempLogDir dir;
        test::CountingSyncer syncer;
        LogWriterOptions o = small_segments(dir.path(), &syncer);
        o.fsync = c.policy;
        LogWriter writer(o, at_second(0));
        for (int i = 0; i < 4; ++i) {
            ASSERT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, 1), at_second(0)), LogErrc::ok);
            if (i % 2 == 1) {
                ASSERT_EQ(writer.commit(), LogErrc::ok);
            }
        }
        EXPECT_EQ(syncer.data_syncs.load(), c.expected_data_syncs);
        EXPECT_EQ(syncer.directory_syncs.load(), c.policy == FsyncPolicy::never ? 0 : 1);
        EXPECT_EQ(test::read_all(dir.path()).payloads.size(), 4u);  // `never` still reads back
    }
}

TEST(EventLogRoundTrip, AFailedSyncFailsTheWriterForGood) {
    test::TempLogDir dir;
    test::CountingSyncer syncer;
    syncer.fail_from = 2;  // the header sync at open succeeds, the first commit's fails
    LogWriter writer(small_segments(dir.path(), &syncer), at_second(0));
    ASSERT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, 1), at_second(0)), LogErrc::ok);
    EXPECT_EQ(writer.commit(), LogErrc::log_failed);
    ASSERT_TRUE(writer.error());
    EXPECT_EQ(writer.error()->code, LogErrc::io_error);
    EXPECT_EQ(writer.error()->sys_errno, EIO);
    EXPECT_EQ(writer.append(RecordType::feed_event, tagged_payload(0, 2), at_second(0)), LogErrc::log_failed);
    EXPECT_EQ(writer.commit(), LogErrc::log_failed);
}

TEST(EventLogRoundTrip, FsyncPolicyNamesParse) {
    for (FsyncPolicy p : {FsyncPolicy::always, FsyncPolicy::group, FsyncPolicy::never})
        EXPECT_EQ(parse_fsync_policy(to_string(p)), p);
    EXPECT_EQ(parse_fsync_policy("sometimes"), std::nullopt);
}

}  // namespace
}  // namespace bidline::feeds
