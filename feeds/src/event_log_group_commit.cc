#include "bidline/feeds/event_log_group_commit.h"

#include <cassert>
#include <chrono>

namespace bidline::feeds {
namespace {

LogTime system_now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace

GroupCommitLog::GroupCommitLog(GroupCommitOptions options)
    : options_(std::move(options)), max_payload_(options_.ring_bytes / 4) {
    assert(options_.producers >= 1);
    if (!options_.clock) options_.clock = system_now;
    if (max_payload_ > kMaxRecordPayload) max_payload_ = kMaxRecordPayload;
    writer_ = std::make_unique<LogWriter>(options_.log, options_.clock());
    lanes_.reserve(options_.producers);
    for (std::uint32_t i = 0; i < options_.producers; ++i)
        lanes_.push_back(std::make_unique<Lane>(options_.ring_bytes));
    advanced_.reserve(options_.producers);
    thread_ = std::thread([this] { run(); });
}

GroupCommitLog::~GroupCommitLog() { stop(); }

const std::optional<LogError>& GroupCommitLog::error() const {
    static const std::optional<LogError> none;
    return failed() ? error_ : none;
}

SubmitResult GroupCommitLog::submit(ProducerId producer, RecordType type, std::span<const std::byte> payload) {
    if (failed_.load(std::memory_order_relaxed)) return {LogErrc::log_failed, 0};
    if (stopping_.load(std::memory_order_relaxed)) return {LogErrc::stopped, 0};
    if (payload.size() > max_payload_) return {LogErrc::record_too_large, 0};
    Lane& lane = *lanes_[producer.value];
    if (!lane.ring.try_push(type, payload)) return {LogErrc::ring_full, 0};
    const std::uint64_t sequence = ++lane.submitted;
    // Handshake with run(), all seq_cst (the ring's head store included): either
    // the writer sees our record before it sleeps, or we see it going to sleep
    // and ring the doorbell. (No fences: TSan does not model them.)
    if (sleeping_.load(std::memory_order_seq_cst)) {
        doorbell_.fetch_add(1, std::memory_order_release);
        doorbell_.notify_one();
    }
    return {LogErrc::ok, sequence};
}

bool GroupCommitLog::wait_durable(ProducerId producer, std::uint64_t sequence) const {
    const Lane& lane = *lanes_[producer.value];
    for (;;) {
        // Read the wake counter first: a publish after this load changes it, so wait() cannot miss it.
        const std::uint32_t wake = lane.wake.load(std::memory_order_acquire);
        if (lane.durable.load(std::memory_order_acquire) >= sequence) return true;
        if (failed() || stopped_.load(std::memory_order_acquire)) return false;
        lane.wake.wait(wake, std::memory_order_acquire);
    }
}

void GroupCommitLog::stop() {
    if (!thread_.joinable()) return;
    stopping_.store(true, std::memory_order_release);
    doorbell_.fetch_add(1, std::memory_order_release);
    doorbell_.notify_one();
    thread_.join();
}

bool GroupCommitLog::rings_empty() const {
    for (const auto& lane : lanes_)
        if (!lane->ring.empty_approx()) return false;
    return true;
}

void GroupCommitLog::run() {
    for (;;) {
        const std::uint32_t bell = doorbell_.load(std::memory_order_acquire);
        const bool stopping = stopping_.load(std::memory_order_acquire);
        if (drain_all(options_.clock()) > 0) {
            commit_and_publish();
            continue;
        }
        if (stopping) break;  // stop() came after the last submit, and we found nothing left
        sleeping_.store(true, std::memory_order_seq_cst);  // then look again: see submit()
        if (rings_empty() && !stopping_.load(std::memory_order_seq_cst))
            doorbell_.wait(bell, std::memory_order_acquire);  // returns at once if the bell rang since `bell`
        sleeping_.store(false, std::memory_order_relaxed);
    }
    stopped_.store(true, std::memory_order_release);
    for (auto& lane : lanes_) {
        lane->wake.fetch_add(1, std::memory_order_release);
        lane->wake.notify_all();
    }
}

std::size_t GroupCommitLog::drain_all(LogTime now) {
    std::size_t total = 0;
    for (auto& lane : lanes_) {
        Lane& l = *lane;
        total += l.ring.drain([&](std::span<const std::byte> first, std::span<const std::byte> second) {
            // After a failure the rings are still emptied, so nothing waits on space forever.
            if (!failed() && writer_->append_framed(first, second, now) == LogErrc::ok) ++l.written;
        });
    }
    return total;
}

void GroupCommitLog::commit_and_publish() {
    if (failed()) return;
    if (writer_->commit() != LogErrc::ok) {
        fail_for_good();
        return;
    }
    commits_.fetch_add(1, std::memory_order_relaxed);
    advanced_.clear();
    for (std::uint32_t i = 0; i < lanes_.size(); ++i) {
        Lane& l = *lanes_[i];
        if (l.written == l.durable.load(std::memory_order_relaxed)) continue;
        l.durable.store(l.written, std::memory_order_release);  // the bytes are on disk: now they may be acknowledged
        l.wake.fetch_add(1, std::memory_order_release);
        l.wake.notify_all();
        advanced_.push_back(ProducerId{i});
    }
    if (options_.on_durable && !advanced_.empty()) options_.on_durable(advanced_);
}

void GroupCommitLog::fail_for_good() {
    error_ = writer_->error();
    failed_.store(true, std::memory_order_release);  // publishes error_
    advanced_.clear();
    for (std::uint32_t i = 0; i < lanes_.size(); ++i) {
        lanes_[i]->wake.fetch_add(1, std::memory_order_release);
        lanes_[i]->wake.notify_all();
        advanced_.push_back(ProducerId{i});
    }
    // Every producer is told, so pending acknowledgements can be answered with an error.
    if (options_.on_durable) options_.on_durable(advanced_);
}

}  // namespace bidline::feeds
