// EventStreamClient: a blocking client of the binary event stream
// (event_stream_protocol.h, feeds/README.md "Binary event stream"). It
// numbers events 1, 2, 3... per stream name, keeps every event the server
// has not acknowledged in memory (as its encoded frames, back to back, so a
// resend is one write), and on connect() resends everything after the
// sequence the server's WELCOME names. A fresh client whose stream name the
// server already knows continues the numbering after WELCOME.
//
// Used by `bidline stream`, the integration tests and the benchmark. Off the
// hot path: errors are values (StreamStatus), nothing throws on I/O; every
// wait is bounded by `timeout` without progress. One thread owns a client.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bidline/feeds/event.h"
#include "bidline/feeds/feed_error.h"

namespace flatbuffers {
class FlatBufferBuilder;
}

namespace bidline::feeds {

struct StreamClientOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string name;                                  // stream name: the connector's id, 1..63 printable bytes
    std::string api_key;                               // sent in HELLO; an engine with API keys needs one (scope events)
    std::chrono::milliseconds timeout{10'000};         // longest wait without any progress
    std::size_t max_unacked = std::size_t{1} << 18;    // send() waits for acks above this
    std::size_t flush_bytes = std::size_t{256} << 10;  // send() writes once this much is queued
};

enum class StreamErrc : std::uint8_t { ok, connect_failed, disconnected, timeout, server_error, protocol };

struct StreamStatus {
    StreamErrc code = StreamErrc::ok;
    std::string message;
    [[nodiscard]] bool ok() const { return code == StreamErrc::ok; }
};

struct StreamRejection {
    std::uint64_t seq = 0;
    FeedErrc code = FeedErrc::ok;
    std::string reason;
};

class EventStreamClient {
public:
    explicit EventStreamClient(StreamClientOptions options);
    ~EventStreamClient();
    EventStreamClient(const EventStreamClient&) = delete;
    EventStreamClient& operator=(const EventStreamClient&) = delete;

    // (Re)connects: HELLO, WELCOME, then everything unacknowledged after the
    // WELCOME sequence is queued for resending.
    [[nodiscard]] StreamStatus connect();
    // Drops the connection without waiting; unacknowledged events are kept.
    void disconnect();
    [[nodiscard]] bool connected() const { return fd_ >= 0; }
    // The next connect() goes to another address (the engine restarted on a
    // new port, or a standby took over); unacknowledged events are kept.
    void retarget(std::string host, std::uint16_t port) {
        options_.host = std::move(host);
        options_.port = port;
    }

    // Queues one event under the next sequence number (written in batches of
    // `flush_bytes`); the number is stored in `seq` when given.
    [[nodiscard]] StreamStatus send(const Event& event, std::uint64_t* seq = nullptr);
    // Same, for an already encoded Event flatbuffer (benchmarks, tests).
    [[nodiscard]] StreamStatus send_encoded(std::span<const std::uint8_t> flatbuffer, std::uint64_t* seq = nullptr);
    // Writes everything queued.
    [[nodiscard]] StreamStatus flush();
    // Writes everything queued and waits until every event sent so far is
    // acknowledged (durable, or rejected: see rejections()).
    [[nodiscard]] StreamStatus wait_all_acked();
    // Reads what the server has sent, without waiting.
    [[nodiscard]] StreamStatus poll();
    // Writes bytes as given on the connection (tests speak broken frames).
    [[nodiscard]] StreamStatus send_raw(std::string_view bytes);

    [[nodiscard]] std::uint64_t last_seq() const { return next_seq_ - 1; }
    [[nodiscard]] std::uint64_t acked_seq() const { return acked_; }
    [[nodiscard]] std::uint64_t welcome_seq() const { return welcome_; }
    [[nodiscard]] std::size_t unacked() const { return entries_.size(); }
    // Each rejected sequence once, in order, across reconnects.
    [[nodiscard]] const std::vector<StreamRejection>& rejections() const { return rejections_; }
    // The reason text of the server's last ERROR frame.
    [[nodiscard]] const std::string& server_error() const { return server_error_; }

private:
    struct Entry {
        std::uint64_t seq;
        std::uint64_t end;  // offset just past its frame, counted from the start of the stream
    };

    StreamStatus queue_frame(std::uint64_t seq);
    StreamStatus pump_until(const std::function<bool()>& done);
    StreamStatus write_some(bool& progress);
    StreamStatus read_some(bool& progress);
    StreamStatus handle_frames();
    void ack_through(std::uint64_t seq);
    StreamStatus fail(StreamErrc code, std::string message);
    [[nodiscard]] std::uint64_t queued_end() const { return base_ + frames_.size(); }

    StreamClientOptions options_;
    std::unique_ptr<flatbuffers::FlatBufferBuilder> fbb_;
    int fd_ = -1;
    bool ever_connected_ = false;
    bool welcomed_ = false;
    std::uint64_t next_seq_ = 1;
    std::uint64_t acked_ = 0;
    std::uint64_t welcome_ = 0;
    std::uint64_t last_reject_ = 0;
    // Unacknowledged frames back to back; frames_[0] is stream offset base_.
    std::string frames_;
    std::uint64_t base_ = 0;
    std::uint64_t head_ = 0;  // offset of the first unacknowledged frame
    std::uint64_t sent_ = 0;  // offset written on this connection
    std::deque<Entry> entries_;
    std::string control_;  // HELLO and raw bytes: written before frames_
    std::string inbox_;
    std::vector<StreamRejection> rejections_;
    std::string server_error_;
};

}  // namespace bidline::feeds
