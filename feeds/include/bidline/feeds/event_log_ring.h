// A single-producer single-consumer byte ring of framed log records: how one
// producer thread (a shard, the control thread) hands records to the log
// writer without locks or allocation. The producer frames the record (length,
// CRC32C, type) on its own thread, so the ring holds exactly the bytes that
// go to disk; a record may wrap around the end, so the consumer gets it in
// one or two pieces and no space is lost to padding.
//
// Producer: exactly one thread calls try_push. Consumer: exactly one thread
// calls drain. Capacity is a power of two fixed at construction.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "bidline/feeds/event_log_format.h"

namespace bidline::feeds {

inline constexpr std::size_t kLogCacheLine = 64;

class RecordRing {
public:
    explicit RecordRing(std::size_t capacity_pow2);

    // Producer side. False when the ring lacks room for the framed record
    // right now (the caller decides: retry later, shed, answer 503).
    [[nodiscard]] bool try_push(RecordType type, std::span<const std::byte> payload);

    // Consumer side: calls on_record(first, second) for every record
    // published so far, oldest first, then hands the space back. The spans
    // are valid only during the call. Returns the number of records.
    template <class OnRecord>
    std::size_t drain(OnRecord&& on_record);

    [[nodiscard]] std::size_t capacity() const { return mask_ + 1; }
    // seq_cst: the consumer side of the sleep/wake handshake (see try_push).
    [[nodiscard]] bool empty_approx() const {
        return head_.load(std::memory_order_seq_cst) == tail_.load(std::memory_order_relaxed);
    }

private:
    void copy_in(std::uint64_t at, std::span<const std::byte> bytes);
    [[nodiscard]] std::uint32_t payload_length_at(std::uint64_t at) const;

    const std::size_t mask_;
    std::unique_ptr<std::byte[]> bytes_;
    // Indices are byte counts that only grow (no ABA on wrap); each side's
    // index on its own cache line so the two threads do not false-share.
    alignas(kLogCacheLine) std::atomic<std::uint64_t> head_{0};
    std::uint64_t tail_cache_ = 0;  // producer's last view of tail_
    alignas(kLogCacheLine) std::atomic<std::uint64_t> tail_{0};
};

template <class OnRecord>
std::size_t RecordRing::drain(OnRecord&& on_record) {
    const std::uint64_t head = head_.load(std::memory_order_acquire);  // see the producer's bytes
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t records = 0;
    while (tail != head) {
        const std::size_t n = kRecordHeaderSize + payload_length_at(tail);
        const std::size_t start = static_cast<std::size_t>(tail) & mask_;
        const std::size_t first = n <= capacity() - start ? n : capacity() - start;
        on_record(std::span<const std::byte>(bytes_.get() + start, first),
                  std::span<const std::byte>(bytes_.get(), n - first));
        tail += n;
        ++records;
    }
    tail_.store(tail, std::memory_order_release);  // our reads are done: the producer may reuse the space
    return records;
}

}  // namespace bidline::feeds
