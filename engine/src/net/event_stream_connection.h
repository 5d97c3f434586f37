// One binary event stream connection (feeds/event_stream_protocol.h) on a
// shard: reads frames in big batches, ingests each EVENT through the shard's
// Router (event log + control loop, as POST /v1/events does) and sends a
// cumulative ACK once the shard's log records are durable; the shard's
// wake_on_durable calls on_durable(). When the log's ring is full it stops
// reading (the unread frames stay in the socket and the client blocks)
// until durable progress frees room: backpressure, not rejection. Likewise
// when the shard's control ring is 3/4 full, until the control loop drains it.
//
// Threads: lives on its shard's thread only, like HttpConnection. The
// StreamProgressTable is the one piece shared by every shard.
#pragma once

#include <array>
#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bidline/feeds/event.h"

namespace bidline::net {

class ShardServer;

// Stream name -> highest client sequence acknowledged, for WELCOME: a
// client that reconnects (possibly to another shard) resumes after it.
// Shared by all shards. A mutex is acceptable here: it is taken once per
// HELLO and once per ACK batch, never per bid request or per event.
// Correctness never depends on it: events carry ids that the control loop
// de-duplicates, and after a restart it starts empty (WELCOME 0), so the
// client resends everything it has not seen acknowledged.
class StreamProgressTable {
public:
    std::uint64_t last_acked(const std::string& name) const;
    void record(const std::string& name, std::uint64_t seq);

private:
    mutable std::mutex mutex_;  // taken once per HELLO and per ACK batch: never on the bid path
    std::unordered_map<std::string, std::uint64_t> acked_;
};

class EventStreamConnection : public std::enable_shared_from_this<EventStreamConnection> {
public:
    EventStreamConnection(ShardServer& shard, boost::asio::ip::tcp::socket socket, StreamProgressTable& progress);
    void start();
    // The event log made more records durable: acknowledge, resume reading.
    void on_durable();
    // Server stopping: close now; unacknowledged events are the client's to resend.
    void drain() { close(); }
    void close();
    // Called by the shard's sweep: ends a connection that was sent an ERROR
    // and still has not closed its side.
    void check_deadline(std::int64_t now_us);

private:
    // A batch of frames may be acknowledged once the log's sequence for this
    // shard reaches `log_seq`; it covers client sequences up to `client_seq`.
    struct PendingAck {
        std::uint64_t client_seq = 0;
        std::uint64_t log_seq = 0;
    };
    enum class FrameResult : std::uint8_t { consumed, stalled, fatal };

    void read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void process();
    FrameResult handle(std::uint8_t type, const std::uint8_t* payload, std::size_t size);
    FrameResult handle_hello(const std::uint8_t* payload, std::size_t size);
    FrameResult handle_event(const std::uint8_t* payload, std::size_t size);
    FrameResult fatal(std::string_view reason);
    void remember_batch();
    void acknowledge();
    void write();
    [[nodiscard]] bool may_read() const;

    ShardServer& shard_;
    boost::asio::ip::tcp::socket socket_;
    StreamProgressTable& progress_;
    std::unique_ptr<std::uint8_t[]> in_;
    std::size_t in_len_ = 0;
    std::string out_;      // frames waiting to be written
    std::string writing_;  // frames being written
    std::string name_;
    feeds::Event event_;
    std::array<PendingAck, 64> pending_{};  // ring; full: the newest entry absorbs the batch
    std::size_t pending_head_ = 0, pending_count_ = 0;
    std::uint64_t last_client_seq_ = 0;   // highest EVENT sequence read on this connection
    std::uint64_t batch_client_seq_ = 0;  // covered by pending_ so far
    std::uint64_t max_log_seq_ = 0;
    std::uint64_t acked_ = 0;
    bool hello_ = false;
    bool reading_ = false;
    bool stalled_ = false;            // log ring full: wait for durable progress
    bool close_after_write_ = false;  // an ERROR is queued: write it, then close
    bool closed_ = false;
    std::int64_t close_deadline_us_ = 0;
};

}  // namespace bidline::net
