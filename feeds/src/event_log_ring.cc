#include "bidline/feeds/event_log_ring.h"

#include <cassert>
#include <cstring>

#include "event_log_bytes.h"

namespace bidline::feeds {

RecordRing::RecordRing(std::size_t capacity_pow2)
    : mask_(capacity_pow2 - 1), bytes_(std::make_unique<std::byte[]>(capacity_pow2)) {
    assert(capacity_pow2 >= 64 && (capacity_pow2 & mask_) == 0);
}

void RecordRing::copy_in(std::uint64_t at, std::span<const std::byte> bytes) {
    const std::size_t start = static_cast<std::size_t>(at) & mask_;
    const std::size_t first = bytes.size() <= capacity() - start ? bytes.size() : capacity() - start;
    std::memcpy(bytes_.get() + start, bytes.data(), first);
    std::memcpy(bytes_.get(), bytes.data() + first, bytes.size() - first);
}

std::uint32_t RecordRing::payload_length_at(std::uint64_t at) const {
    std::byte length[4];
    for (std::size_t i = 0; i < 4; ++i) length[i] = bytes_[static_cast<std::size_t>(at + i) & mask_];
    return detail::load_le32(length);
}

bool RecordRing::try_push(RecordType type, std::span<const std::byte> payload) {
    const std::size_t n = kRecordHeaderSize + payload.size();
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head + n - tail_cache_ > capacity()) {
        tail_cache_ = tail_.load(std::memory_order_acquire);  // the consumer's reads of that space are finished
        if (head + n - tail_cache_ > capacity()) return false;
    }
    const auto header = encode_record_header(type, payload);
    copy_in(head, header);
    copy_in(head + kRecordHeaderSize, payload);
    // Publishes the record's bytes. seq_cst, not just release: this store is
    // half of GroupCommitLog's sleep/wake handshake (store head, then load the
    // writer's `sleeping` flag), which needs both in one total order.
    head_.store(head + n, std::memory_order_seq_cst);
    return true;
}

}  // namespace bidline::feeds
