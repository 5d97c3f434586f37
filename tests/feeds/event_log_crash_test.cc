// The kill -9 property: a child process appends from several producer
// threads with the `group` policy and reports every durable sequence
// through a pipe (as the engine would acknowledge /v1/events); the parent
// SIGKILLs it at a random moment, reopens the log — repairing whatever tail
// the kill left — and checks that every acknowledged record is there,
// intact, once, in per-producer order. Records written but not yet
// acknowledged may or may not be present (the sender retries them; dedupe
// by event id absorbs the copy).
//
// A process kill leaves the page cache intact, so this checks the
// acknowledge-after-commit protocol and the repair, not power-loss
// durability (that rests on fdatasync, see EVENT_LOG.md).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "bidline/feeds/event_log_group_commit.h"
#include "event_log_test_files.h"

namespace bidline::feeds {
namespace {

constexpr std::uint32_t kProducers = 3;

struct Ack {
    std::uint32_t producer;
    std::uint64_t sequence;
};

// A record's tag: which round (child process) wrote it, then its sequence.
constexpr std::uint64_t kRoundStride = 1'000'000'000;

// The child: never returns.
[[noreturn]] void append_until_killed(const std::filesystem::path& dir, int ack_fd, std::uint32_t round) {
    GroupCommitOptions o;
    o.log.directory = dir;
    o.log.fsync = FsyncPolicy::group;
    o.log.segment_bytes = 32 << 10;  // rotations happen while we run
    o.producers = kProducers;
    o.ring_bytes = 1 << 14;
    std::atomic<GroupCommitLog*> log_ptr{nullptr};
    // Acknowledge from the writer thread, right after the commit, like the
    // engine's wake-up of a shard. write(2) of 12 bytes to a pipe is atomic.
    o.on_durable = [&](std::span<const ProducerId> advanced) {
        for (ProducerId p : advanced) {
            const std::uint64_t sequence = log_ptr.load()->durable_sequence(p);
            char buf[12];
            std::memcpy(buf, &p.value, 4);
            std::memcpy(buf + 4, &sequence, 8);
            if (::write(ack_fd, buf, sizeof buf) != sizeof buf) ::_exit(3);
        }
    };
    try {
        GroupCommitLog log(o);
        log_ptr = &log;
        std::vector<std::thread> threads;
        for (std::uint32_t p = 0; p < kProducers; ++p)
            threads.emplace_back([&log, p, round] {
                std::mt19937 rng(round * 10 + p);
                for (std::uint64_t i = 1;; ++i) {
                    const auto payload = test::tagged_payload(p, round * kRoundStride + i, 16 + rng() % 200);
                    while (log.submit(ProducerId{p}, RecordType::feed_event, payload).code == LogErrc::ring_full)
                        std::this_thread::yield();
                }
            });
        for (auto& t : threads) t.join();
    } catch (...) {
        ::_exit(2);
    }
    ::_exit(0);
}

// Reads 12-byte acknowledgements until `limit` or end of pipe.
void read_acks(int fd, std::size_t limit, std::vector<Ack>& acks) {
    char buf[12 * 64];
    std::size_t have = 0;
    while (acks.size() < limit) {
        const ssize_t n = ::read(fd, buf + have, sizeof buf - have);
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
        std::size_t used = 0;
        for (; used + 12 <= have; used += 12) {
            Ack a{};
            std::memcpy(&a.producer, buf + used, 4);
            std::memcpy(&a.sequence, buf + used + 4, 8);
            acks.push_back(a);
        }
        std::memmove(buf, buf + used, have - used);
        have -= used;
    }
}

TEST(EventLogCrash, EveryAcknowledgedRecordSurvivesKillMinusNine) {
    constexpr std::uint32_t kRounds = 6;
    test::TempLogDir dir;
    std::mt19937 rng(20261101);
    // acknowledged[round][producer]: the highest sequence the child reported durable.
    std::vector<std::vector<std::uint64_t>> acknowledged;
    for (std::uint32_t round = 1; round <= kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(fds[0]);
            append_until_killed(dir.path(), fds[1], round);
        }
        ::close(fds[1]);

        // Kill after a random number of acknowledgements, then a random pause.
        std::vector<Ack> acks;
        read_acks(fds[0], 1 + rng() % 80, acks);
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
        ASSERT_EQ(::kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
        read_acks(fds[0], SIZE_MAX, acks);  // still in the pipe: made before the kill
        ::close(fds[0]);
        ASSERT_FALSE(acks.empty());
        acknowledged.emplace_back(kProducers, 0);
        for (const Ack& a : acks)
            acknowledged.back()[a.producer] = std::max(acknowledged.back()[a.producer], a.sequence);

        // Reopen with repair, as the engine does on start, and check every round so far.
        LogReader reader = LogReader::open_directory(dir.path(), TailMode::repair);
        if (reader.tail())
            std::printf("round %u: repaired %llu bytes (%s)\n", round,
                        static_cast<unsigned long long>(reader.tail()->dropped_bytes), reader.tail()->reason.c_str());
        // found[round][producer]: records seen, which must be exactly 1, 2, 3, ... in order.
        std::vector<std::vector<std::uint64_t>> found(round + 1, std::vector<std::uint64_t>(kProducers, 0));
        RecordView r;
        while (reader.next(r)) {
            const test::Tag t = test::read_tag(r.payload);
            ASSERT_TRUE(t.intact) << "segment " << r.segment << " offset " << r.offset;
            ASSERT_LT(t.producer, kProducers);
            const std::uint64_t rec_round = t.sequence / kRoundStride, seq = t.sequence % kRoundStride;
            ASSERT_GE(rec_round, 1u);
            ASSERT_LE(rec_round, round);
            ASSERT_EQ(seq, found[rec_round][t.producer] + 1)
                << "round " << rec_round << " producer " << t.producer << ": duplicate, gap or reordering";
            found[rec_round][t.producer] = seq;
        }
        ASSERT_FALSE(reader.error()) << reader.error()->message();
        for (std::uint32_t k = 1; k <= round; ++k)
            for (std::uint32_t p = 0; p < kProducers; ++p)
                EXPECT_GE(found[k][p], acknowledged[k - 1][p])
                    << "round " << k << " producer " << p << " lost acknowledged records";
    }
}

}  // namespace
}  // namespace bidline::feeds
