#include "net/event_stream_connection.h"

#include <cstdio>
#include <cstring>
#include <limits>

#include "bidline/engine/api_keys.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_group_commit.h"
#include "bidline/feeds/event_stream_protocol.h"
#include "net/shard_server.h"

namespace bidline::net {

namespace asio = boost::asio;
namespace stream = feeds::stream;

namespace {
// One read takes thousands of events; the whole batch waits for one fsync.
constexpr std::size_t kInBuffer = std::size_t{256} << 10;
// A client that never reads its REJECTs stops being read from beyond this.
constexpr std::size_t kMaxOutBuffered = std::size_t{1} << 20;
// After an ERROR the client gets this long to read it and close.
constexpr std::int64_t kCloseGraceUs = 2'000'000;
// Router::ingest refuses events while the control ring (shard -> control
// loop) is 3/4 full; the stream then waits for the loop to drain it.

}  // namespace

// The table's lock is taken once per HELLO and once per ACK batch, on stream
// connections only: never by the bid path (event_stream_connection.h).
std::uint64_t StreamProgressTable::last_acked(const std::string& name) const {
    std::lock_guard lock(mutex_);  // off the bid path: a HELLO
    const auto it = acked_.find(name);
    return it == acked_.end() ? 0 : it->second;
}

void StreamProgressTable::record(const std::string& name, std::uint64_t seq) {
    std::lock_guard lock(mutex_);  // off the bid path: once per ACK batch
    std::uint64_t& v = acked_[name];
    v = std::max(v, seq);
}

EventStreamConnection::EventStreamConnection(ShardServer& shard, asio::ip::tcp::socket socket,
                                             StreamProgressTable& progress)
    : shard_(shard), socket_(std::move(socket)), progress_(progress), in_(new std::uint8_t[kInBuffer]) {
    out_.reserve(64 * 1024);
    writing_.reserve(64 * 1024);
}

void EventStreamConnection::start() { read(); }

bool EventStreamConnection::may_read() const {
    if (closed_ || reading_) return false;
    if (close_after_write_) return true;  // draining: read and discard until the client closes
    return !stalled_ && out_.size() < kMaxOutBuffered && in_len_ < kInBuffer;
}

void EventStreamConnection::read() {
    if (!may_read()) return;
    if (close_after_write_) in_len_ = 0;
    reading_ = true;
    socket_.async_read_some(
        asio::buffer(in_.get() + in_len_, kInBuffer - in_len_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void EventStreamConnection::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
        close();  // peer closed or reset: what it did not see acknowledged, it resends
        return;
    }
    if (close_after_write_) {
        read();
        return;
    }
    in_len_ += n;
    process();
}

void EventStreamConnection::process() {
    std::size_t pos = 0;
    while (!close_after_write_) {
        const stream::FrameView f = stream::next_frame({in_.get() + pos, in_len_ - pos});
        if (f.status == stream::FrameStatus::incomplete) break;
        if (f.status == stream::FrameStatus::bad_length) {
            char reason[96];
            std::snprintf(reason, sizeof reason, "bad frame length %u (must be 1..%u)", f.length,
                          stream::kMaxFrameLength);
            fatal(reason);
            break;
        }
        const FrameResult r = handle(f.type, f.payload.data(), f.payload.size());
        if (r == FrameResult::stalled) {
            stalled_ = true;  // the frame stays buffered; on_durable() retries it
            break;
        }
        pos += f.consumed;
    }
    if (pos > 0) {
        std::memmove(in_.get(), in_.get() + pos, in_len_ - pos);
        in_len_ -= pos;
    }
    remember_batch();
    acknowledge();
    write();
    read();
}

EventStreamConnection::FrameResult EventStreamConnection::handle(std::uint8_t type, const std::uint8_t* payload,
                                                                 std::size_t size) {
    switch (static_cast<stream::FrameType>(type)) {
        case stream::FrameType::hello:
            return handle_hello(payload, size);
        case stream::FrameType::event:
            return handle_event(payload, size);
        default:
            break;
    }
    char reason[64];
    std::snprintf(reason, sizeof reason, "unexpected frame type %u from a client", unsigned{type});
    return fatal(reason);
}

EventStreamConnection::FrameResult EventStreamConnection::handle_hello(const std::uint8_t* payload, std::size_t size) {
    if (hello_) return fatal("HELLO sent twice");
    stream::Hello hello;
    if (const std::string_view err = stream::parse_hello({payload, size}, hello); !err.empty()) return fatal(err);
    // With API keys, events come only from a key with the events scope, as on
    // POST /v1/events (one check per connection, not per event).
    if (const auto& keys = shard_.state().api_keys; keys && !keys->empty()) {
        const ApiKey* key = nullptr;
        if (hello.api_key.empty()) return fatal("unauthorized: this engine needs an API key with the events scope in HELLO");
        std::string authorization = "Bearer ";
        authorization.append(hello.api_key);
        if (keys->verify(authorization, key) != KeyCheck::ok) return fatal("unauthorized: unknown or malformed API key");
        if (!key->scopes.has(Scope::events)) return fatal("forbidden: the API key lacks the events scope");
    }
    name_.assign(hello.name);
    hello_ = true;
    stream::append_welcome(out_, progress_.last_acked(name_));
    return FrameResult::consumed;
}

EventStreamConnection::FrameResult EventStreamConnection::handle_event(const std::uint8_t* payload, std::size_t size) {
    if (!hello_) return fatal("EVENT before HELLO");
    const auto seq = stream::read_seq({payload, size});
    if (!seq) return fatal("EVENT frame shorter than its 8-byte sequence number");
    if (*seq <= last_client_seq_) {
        char reason[96];
        std::snprintf(reason, sizeof reason, "sequence numbers must increase: %llu after %llu",
                      static_cast<unsigned long long>(*seq), static_cast<unsigned long long>(last_client_seq_));
        return fatal(reason);
    }
    ShardResources& res = shard_.resources();
    const std::size_t fb_size = size - stream::kSeqBytes;
    feeds::FeedError err = feeds::decode_event(payload + stream::kSeqBytes, fb_size, event_);  // aligns as needed
    if (err.ok()) err = stream::check_stream_event(event_);
    if (!err.ok()) {
        // Well framed but invalid: refused on its own, the stream goes on.
        stream::append_reject(out_, *seq, err.code(), err.message());
        bump(res.feed_events_rejected);
        last_client_seq_ = *seq;
        return FrameResult::consumed;
    }
    bool orphan = false, overloaded = false;
    const std::uint64_t log_seq = shard_.router().ingest(event_, orphan, overloaded);
    if (overloaded) {
        const auto* log = shard_.state().event_log;
        if (log != nullptr && log->failed()) return fatal("event log failed: events cannot be made durable");
        return FrameResult::stalled;  // log or control ring full: nothing applied; retry after progress
    }
    bump(res.feed_events_accepted);
    last_client_seq_ = *seq;
    max_log_seq_ = std::max(max_log_seq_, log_seq);
    return FrameResult::consumed;
}

EventStreamConnection::FrameResult EventStreamConnection::fatal(std::string_view reason) {
    bump(shard_.resources().counters.http_errors);
    stream::append_error(out_, reason);
    close_after_write_ = true;
    close_deadline_us_ = shard_.state().clock.now().time_since_epoch().count() + kCloseGraceUs;
    return FrameResult::fatal;
}

void EventStreamConnection::remember_batch() {
    if (last_client_seq_ <= batch_client_seq_) return;
    batch_client_seq_ = last_client_seq_;
    const PendingAck p{last_client_seq_, max_log_seq_};
    if (pending_count_ == pending_.size()) {
        pending_[(pending_head_ + pending_count_ - 1) % pending_.size()] = p;  // merge: acked a little later
    } else {
        pending_[(pending_head_ + pending_count_) % pending_.size()] = p;
        ++pending_count_;
    }
}

void EventStreamConnection::acknowledge() {
    if (pending_count_ == 0 || close_after_write_) return;
    std::uint64_t durable = std::numeric_limits<std::uint64_t>::max();  // no log: applied is as far as it goes
    if (const auto* log = shard_.state().event_log) {
        if (log->failed()) {
            fatal("event log failed: events cannot be made durable");
            return;
        }
        durable = log->durable_sequence(feeds::ProducerId{shard_.resources().id});
    }
    std::uint64_t ack = acked_;
    while (pending_count_ > 0 && pending_[pending_head_].log_seq <= durable) {
        ack = pending_[pending_head_].client_seq;
        pending_head_ = (pending_head_ + 1) % pending_.size();
        --pending_count_;
    }
    if (ack > acked_) {
        acked_ = ack;
        stream::append_ack(out_, ack);
        progress_.record(name_, ack);
    }
}

void EventStreamConnection::on_durable() {
    if (closed_) return;
    acknowledge();
    if (stalled_) {
        stalled_ = false;
        process();  // retries the frame the full ring refused
        return;
    }
    write();
    read();
}

void EventStreamConnection::write() {
    if (closed_ || !writing_.empty()) return;
    if (out_.empty()) return;
    std::swap(out_, writing_);
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                          self->writing_.clear();
                          if (self->closed_) return;
                          if (ec) {
                              self->close();
                              return;
                          }
                          if (self->close_after_write_ && self->out_.empty()) {
                              // ERROR written: half-close so the client reads it before the
                              // connection goes (closing with unread input would reset it).
                              boost::system::error_code ignored;
                              self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                          }
                          self->write();
                          self->read();
                      });
}

void EventStreamConnection::check_deadline(std::int64_t now_us) {
    if (!closed_ && close_after_write_ && now_us >= close_deadline_us_) close();
}

void EventStreamConnection::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    shard_.forget(this);
}

}  // namespace bidline::net
