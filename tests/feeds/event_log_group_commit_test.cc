// GroupCommitLog: records from several producer threads all reach the log,
// exactly once and in per-producer order; a producer's durable sequence
// never runs ahead of what an fdatasync has covered (observed through the
// syncer hook, not timing); a failed sync stops acknowledgements for good;
// stop() commits everything submitted before it. Also the RecordRing it is
// built on. Run under TSan (label feeds).
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "bidline/feeds/event_log_group_commit.h"
#include "bidline/feeds/event_log_ring.h"
#include "event_log_test_files.h"
#include "event_log_test_syncer.h"

namespace bidline::feeds {
namespace {

using test::tagged_payload;

TEST(RecordRing, HandsBackFramedRecordsInOrderAcrossTheWrap) {
    RecordRing ring(64);
    std::vector<std::byte> seen;
    std::uint64_t next = 1;
    for (std::uint64_t i = 1; i <= 200; ++i) {
        const auto p = tagged_payload(0, i, 12 + i % 9);
        ASSERT_TRUE(ring.try_push(RecordType::feed_event, p));
        if (i % 2 == 0)
            ring.drain([&](std::span<const std::byte> a, std::span<const std::byte> b) {
                std::vector<std::byte> framed(a.begin(), a.end());
                framed.insert(framed.end(), b.begin(), b.end());
                const RecordFrame f = decode_record_header(
                    std::span<const std::byte, kRecordHeaderSize>(framed.data(), kRecordHeaderSize));
                const auto payload = std::span(framed).subspan(kRecordHeaderSize);
                ASSERT_EQ(f.length, payload.size());
                EXPECT_EQ(f.crc, record_crc(RecordType::feed_event, payload));
                const test::Tag t = test::read_tag(payload);
                EXPECT_TRUE(t.intact);
                EXPECT_EQ(t.sequence, next++);
            });
    }
    EXPECT_EQ(next, 201u);
}

TEST(RecordRing, RejectsARecordWhenFullUntilDrained) {
    RecordRing ring(64);
    const auto p = tagged_payload(0, 1, 20);  // 29 bytes framed: two fit in 64
    EXPECT_TRUE(ring.try_push(RecordType::feed_event, p));
    EXPECT_TRUE(ring.try_push(RecordType::feed_event, p));
    EXPECT_FALSE(ring.try_push(RecordType::feed_event, p));
    EXPECT_EQ(ring.drain([](auto, auto) {}), 2u);
    EXPECT_TRUE(ring.try_push(RecordType::feed_event, p));
}

GroupCommitOptions options_for(const std::filesystem::path& dir, std::uint32_t producers, LogSyncer* syncer) {
    GroupCommitOptions o;
    o.log.directory = dir;
    o.log.segment_bytes = 64 << 10;
    o.log.fsync = FsyncPolicy::group;
    o.log.syncer = syncer;
    o.producers = producers;
    o.ring_bytes = 4096;  // small: producers see ring_full and the ring wraps often
    o.clock = [] { return test::at_second(0); };
    return o;
}

// Submits `count` tagged records, retrying while the ring is full.
void produce(GroupCommitLog& log, std::uint32_t producer, std::uint64_t count) {
    for (std::uint64_t i = 1; i <= count; ++i) {
        const auto p = tagged_payload(producer, i, 24 + (i % 50));
        for (;;) {
            const SubmitResult r = log.submit(ProducerId{producer}, RecordType::feed_event, p);
            if (r.code == LogErrc::ring_full) {
                std::this_thread::yield();
                continue;
            }
            ASSERT_EQ(r.code, LogErrc::ok);
            ASSERT_EQ(r.sequence, i);
            break;
        }
    }
}

// Per producer: how many of its records are in the log, checking that they
// come in sequence order, once each, intact.
std::vector<std::uint64_t> count_per_producer(const std::filesystem::path& dir, std::uint32_t producers) {
    std::vector<std::uint64_t> seen(producers, 0);
    LogReader reader = LogReader::open_directory(dir, TailMode::read_only);
    RecordView r;
    while (reader.next(r)) {
        const test::Tag t = test::read_tag(r.payload);
        EXPECT_TRUE(t.intact);
        EXPECT_LT(t.producer, producers);
        if (t.producer >= producers) continue;
        EXPECT_EQ(t.sequence, seen[t.producer] + 1) << "producer " << t.producer;
        seen[t.producer] = t.sequence;
    }
    EXPECT_FALSE(reader.error()) << reader.error()->message();
    return seen;
}

TEST(GroupCommitLog, EveryRecordOfEveryProducerArrivesOnceInOrder) {
    constexpr std::uint32_t kProducers = 4;
    constexpr std::uint64_t kPerProducer = 3000;
    test::TempLogDir dir;
    test::CountingSyncer syncer;
    {
        GroupCommitLog log(options_for(dir.path(), kProducers, &syncer));
        std::vector<std::thread> threads;
        for (std::uint32_t p = 0; p < kProducers; ++p)
            threads.emplace_back([&log, p] { produce(log, p, kPerProducer); });
        for (auto& t : threads) t.join();
        for (std::uint32_t p = 0; p < kProducers; ++p) {
            EXPECT_TRUE(log.wait_durable(ProducerId{p}, kPerProducer));
            EXPECT_EQ(log.durable_sequence(ProducerId{p}), kPerProducer);
        }
        log.stop();
        EXPECT_GT(log.writer_stats().segments_created, 1u);
        // Group commit: far fewer syncs than records (each sync covers a batch).
        EXPECT_LT(log.commits(), kProducers * kPerProducer);
    }
    const auto seen = count_per_producer(dir.path(), kProducers);
    for (std::uint32_t p = 0; p < kProducers; ++p) EXPECT_EQ(seen[p], kPerProducer);
}

TEST(GroupCommitLog, DurableSequencesNeverRunAheadOfASync) {
    constexpr std::uint32_t kProducers = 3;
    constexpr std::uint64_t kPerProducer = 400;
    test::TempLogDir dir;
    test::CountingSyncer syncer;
    std::mutex mutex;
    std::vector<std::uint64_t> covered(kProducers, 0);  // in the file as of the latest completed sync
    std::atomic<GroupCommitLog*> log_ptr{nullptr};      // set once the writer thread runs
    std::atomic<int> violations{0};
    std::atomic<int> notifications{0};
    // At each sync (writer thread, log quiet): everything durable so far must
    // already have been in the file at an EARLIER sync; then remember what
    // this sync covers.
    syncer.on_sync = [&](int) {
        if (log_ptr.load() == nullptr) return;  // the segment header sync during construction
        const auto in_file = count_per_producer(dir.path(), kProducers);
        const std::lock_guard lock(mutex);
        for (std::uint32_t p = 0; p < kProducers; ++p) {
            if (log_ptr.load()->durable_sequence(ProducerId{p}) > covered[p]) ++violations;
            covered[p] = in_file[p];
        }
    };
    GroupCommitOptions o = options_for(dir.path(), kProducers, &syncer);
    o.log.segment_bytes = 1 << 20;
    o.on_durable = [&](std::span<const ProducerId> advanced) {
        ++notifications;
        const std::lock_guard lock(mutex);
        for (ProducerId p : advanced)
            if (log_ptr.load()->durable_sequence(p) > covered[p.value]) ++violations;
    };
    {
        GroupCommitLog log(o);
        log_ptr = &log;
        std::vector<std::thread> threads;
        for (std::uint32_t p = 0; p < kProducers; ++p)
            threads.emplace_back([&log, p] { produce(log, p, kPerProducer); });
        for (auto& t : threads) t.join();
        log.stop();
        for (std::uint32_t p = 0; p < kProducers; ++p) EXPECT_EQ(log.durable_sequence(ProducerId{p}), kPerProducer);
    }
    EXPECT_EQ(violations.load(), 0);
    EXPECT_GT(notifications.load(), 0);
    EXPECT_GT(syncer.data_syncs.load(), 1);
}

TEST(GroupCommitLog, AFailedSyncStopsAcknowledgementsForGood) {
    test::TempLogDir dir;
    test::CountingSyncer syncer;
    GroupCommitOptions o = options_for(dir.path(), 1, &syncer);
    std::atomic<int> failure_notices{0};
    std::atomic<GroupCommitLog*> log_ptr{nullptr};  // set once the writer thread runs
    o.on_durable = [&](std::span<const ProducerId>) {
        if (log_ptr.load()->failed()) ++failure_notices;
    };
    GroupCommitLog log(o);
    log_ptr = &log;
    const ProducerId p{0};
    ASSERT_EQ(log.submit(p, RecordType::feed_event, tagged_payload(0, 1)).code, LogErrc::ok);
    ASSERT_TRUE(log.wait_durable(p, 1));

    syncer.fail_from = syncer.data_syncs.load() + 1;
    const SubmitResult second = log.submit(p, RecordType::feed_event, tagged_payload(0, 2));
    ASSERT_EQ(second.code, LogErrc::ok);
    EXPECT_FALSE(log.wait_durable(p, second.sequence));
    EXPECT_TRUE(log.failed());
    EXPECT_EQ(log.durable_sequence(p), 1u);
    ASSERT_TRUE(log.error());
    EXPECT_EQ(log.error()->sys_errno, EIO);
    EXPECT_EQ(log.submit(p, RecordType::feed_event, tagged_payload(0, 3)).code, LogErrc::log_failed);
    log.stop();
    EXPECT_EQ(failure_notices.load(), 1);
}

TEST(GroupCommitLog, StopCommitsEverythingSubmittedBefore) {
    test::TempLogDir dir;
    GroupCommitOptions o = options_for(dir.path(), 2, nullptr);
    o.log.fsync = FsyncPolicy::never;
    o.ring_bytes = 1 << 16;
    {
        GroupCommitLog log(o);
        for (std::uint64_t i = 1; i <= 100; ++i)
            for (std::uint32_t p = 0; p < 2; ++p)
                ASSERT_EQ(log.submit(ProducerId{p}, RecordType::feed_event, tagged_payload(p, i)).code, LogErrc::ok);
        log.stop();
        EXPECT_EQ(log.durable_sequence(ProducerId{0}), 100u);
        EXPECT_EQ(log.submit(ProducerId{0}, RecordType::feed_event, tagged_payload(0, 101)).code, LogErrc::stopped);
    }
    const auto seen = count_per_producer(dir.path(), 2);
    EXPECT_EQ(seen[0], 100u);
    EXPECT_EQ(seen[1], 100u);
}

TEST(GroupCommitLog, RejectsPayloadsAboveAQuarterOfTheRing) {
    test::TempLogDir dir;
    GroupCommitLog log(options_for(dir.path(), 1, nullptr));
    EXPECT_EQ(log.max_payload(), 1024u);
    const std::vector<std::byte> big(1025);
    EXPECT_EQ(log.submit(ProducerId{0}, RecordType::feed_event, big).code, LogErrc::record_too_large);
}

}  // namespace
}  // namespace bidline::feeds
