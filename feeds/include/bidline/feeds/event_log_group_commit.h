// GroupCommitLog: the event log as the engine uses it. Producers known at
// construction (N shards + the control thread) each own one RecordRing; a
// dedicated log-writer thread owns the LogWriter, drains every ring, writes
// the batch, fdatasyncs ONCE, and only then publishes how far each producer
// is durable. While one fdatasync runs, the next batch piles up in the
// rings, so the sync cost is shared by everything that arrived meanwhile.
//
// Acknowledging after durability (the feed path answers /v1/events only
// then): submit() returns a per-producer sequence number (1, 2, 3, ... per
// producer); the record is durable once durable_sequence(producer) >= it.
// After each commit the writer thread calls `on_durable` with the producers
// that advanced, so the engine can post one wake-up to each shard's
// io_context instead of one callback per record; the shard then answers
// every pending request whose sequence is now covered. wait_durable() blocks
// for tools, tests and the control thread.
//
// Threads: submit(p) only from producer p's thread (one thread per
// producer id); durable_sequence/wait_durable/failed from any thread;
// on_durable runs on the writer thread and must not block. stop() and the
// destructor from the owning thread, after producers have stopped.
//
// Limits: a payload may be at most ring_bytes / 4 (max_payload()); submit
// never blocks and never allocates: a full ring returns ring_full and the
// caller decides. If a write or sync fails, the log fails for good:
// durable sequences stop, submit returns log_failed, waiters wake up.
// Under FsyncPolicy::never "durable" means "written to the OS" (correct for
// replay and for a process crash, not for power loss).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "bidline/feeds/event_log_format.h"
#include "bidline/feeds/event_log_ring.h"
#include "bidline/feeds/event_log_writer.h"

namespace bidline::feeds {

struct ProducerId {
    std::uint32_t value = 0;
    friend bool operator==(ProducerId, ProducerId) = default;
};

struct GroupCommitOptions {
    LogWriterOptions log;
    std::uint32_t producers = 1;
    std::size_t ring_bytes = std::size_t{1} << 20;                // per producer, power of two
    std::function<LogTime()> clock;                               // read once per batch; required
    std::function<void(std::span<const ProducerId>)> on_durable;  // optional; writer thread
};

struct SubmitResult {
    LogErrc code = LogErrc::ok;
    std::uint64_t sequence = 0;  // valid when code == ok
};

class GroupCommitLog {
public:
    // Opens (and recovers) the log on the calling thread, then starts the
    // writer thread. Throws LogFileError.
    explicit GroupCommitLog(GroupCommitOptions options);
    ~GroupCommitLog();
    GroupCommitLog(const GroupCommitLog&) = delete;
    GroupCommitLog& operator=(const GroupCommitLog&) = delete;

    [[nodiscard]] SubmitResult submit(ProducerId producer, RecordType type, std::span<const std::byte> payload);

    [[nodiscard]] std::uint64_t durable_sequence(ProducerId producer) const {
        return lanes_[producer.value]->durable.load(std::memory_order_acquire);
    }
    // Blocks until `sequence` of `producer` is durable (true), or the log
    // failed or stopped short of it (false).
    bool wait_durable(ProducerId producer, std::uint64_t sequence) const;

    // Commits everything submitted before the call, then ends the writer
    // thread. Idempotent.
    void stop();

    [[nodiscard]] bool failed() const { return failed_.load(std::memory_order_acquire); }
    [[nodiscard]] const std::optional<LogError>& error() const;  // set once failed()
    [[nodiscard]] std::size_t max_payload() const { return max_payload_; }
    [[nodiscard]] std::uint32_t producers() const { return static_cast<std::uint32_t>(lanes_.size()); }
    [[nodiscard]] const std::optional<TailRepair>& recovered_tail() const { return writer_->recovered_tail(); }
    // Writer statistics; read after stop() (they belong to the writer thread).
    [[nodiscard]] const LogWriterStats& writer_stats() const { return writer_->stats(); }
    [[nodiscard]] std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

private:
    struct alignas(kLogCacheLine) Lane {
        explicit Lane(std::size_t ring_bytes) : ring(ring_bytes) {}
        RecordRing ring;
        alignas(kLogCacheLine) std::uint64_t submitted = 0;  // producer thread only
        // Written by the writer thread, read by anyone.
        alignas(kLogCacheLine) std::atomic<std::uint64_t> durable{0};
        std::atomic<std::uint32_t> wake{0};  // bumped on every publish or failure: what waiters sleep on
        std::uint64_t written = 0;           // writer thread only: appended, not yet durable
    };

    void run();
    std::size_t drain_all(LogTime now);
    void commit_and_publish();
    void fail_for_good();
    [[nodiscard]] bool rings_empty() const;

    GroupCommitOptions options_;
    std::unique_ptr<LogWriter> writer_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::vector<ProducerId> advanced_;  // writer thread scratch, sized once
    std::size_t max_payload_;
    std::optional<LogError> error_;  // written before failed_ is released
    std::atomic<bool> failed_{false};
    std::atomic<std::uint64_t> commits_{0};
    // Wake-up protocol (see run()): producers ring the doorbell only when
    // the writer says it is going to sleep, so a busy log costs producers
    // no syscall.
    alignas(kLogCacheLine) std::atomic<bool> sleeping_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint32_t> doorbell_{0};
    std::atomic<bool> stopped_{false};
    std::thread thread_;
};

}  // namespace bidline::feeds
