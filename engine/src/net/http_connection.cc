#include "net/http_connection.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "bidline/feeds/event_log_group_commit.h"
#include "net/shard_server.h"

namespace bidline::net {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kInitialBuffer = 8 * 1024;
constexpr std::size_t kChunkedSlack = 4 * 1024;  // chunk-size lines on top of the body limit
// One read takes at most this much: the receive timestamp bounds the wait of
// fewer requests, so it is closer to each one's own.
constexpr std::size_t kReadChunk = 8 * 1024;
constexpr int kMaxRequestsPerTurn = 32;
// A backlogged connection whose requests were all shed reads its next chunk
// before writing, up to this many reads per write: shedding then costs a
// read per chunk, not a write and a trip through the event loop as well.
constexpr int kMaxReadsPerTurn = 8;
constexpr std::size_t kMaxOutPerTurn = 256 * 1024;  // answers held before writing (a pipeline of GET /metrics)

std::int64_t us(std::chrono::milliseconds ms) { return ms.count() * 1000; }

}  // namespace

HttpConnection::HttpConnection(ShardServer& shard, asio::ip::tcp::socket socket, const TlsContext* tls)
    : shard_(shard), socket_(std::move(socket)), in_(new char[kInitialBuffer]), in_cap_(kInitialBuffer) {
    out_.reserve(16 * 1024);
    if (tls != nullptr) {
        tls_ = std::make_unique<TlsSession>(*tls);
        cipher_in_.reset(new char[kReadChunk]);
        wire_.reserve(16 * 1024);
    }
}

void HttpConnection::start() {
    set_deadline_for_state();
    read();
}

void HttpConnection::set_deadline_for_state() {
    const auto& lim = shard_.state().settings.limits;
    const std::int64_t now = shard_.state().clock.now().time_since_epoch().count();
    if (in_len_ == 0) {
        request_started_us_ = 0;
        deadline_us_ = now + us(lim.idle_timeout);
    } else if (request_started_us_ == 0) {
        // A slow client gets a whole-request deadline, not one per byte.
        request_started_us_ = now;
        deadline_us_ = now + us(lim.header_timeout) + us(lim.body_timeout);
    }
}

void HttpConnection::check_deadline(std::int64_t now_us) {
    if (closed_ || writing_ || now_us < deadline_us_) return;
    if (in_len_ > 0) {
        bump(shard_.resources().counters.http_errors);
        respond_error(408, "timeout", "request not received in time");
        close_after_write_ = true;
        write();
    } else {
        close();
    }
}

void HttpConnection::drain() {
    close_after_write_ = true;
    if (!writing_ && in_len_ == 0) close();
}

void HttpConnection::close() {
    if (closed_) return;
    closed_ = true;
    if (tls_ && !writing_) {
        // close_notify, best effort: the answers carry their lengths, so a
        // client that misses it has lost nothing.
        tls_->close_notify();
        std::string alert;
        tls_->take_output(alert);
        if (!alert.empty()) (void)::send(socket_.native_handle(), alert.data(), alert.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    shard_.forget(this);
}

void HttpConnection::read() {
    if (closed_ || reading_) return;
    const std::size_t max_cap = shard_.limits().max_header_bytes + shard_.limits().max_body_bytes + kChunkedSlack;
    if (in_len_ == in_cap_ && in_cap_ < max_cap) {
        const std::size_t cap = std::min(max_cap, in_cap_ * 2);
        std::unique_ptr<char[]> bigger(new char[cap]);
        std::memcpy(bigger.get(), in_.get(), in_len_);
        in_ = std::move(bigger);
        in_cap_ = cap;
    }
    // After a read that filled its chunk, try again at once; otherwise the
    // socket is most likely drained and a syscall would find nothing.
    if (try_read_now_ && receive() != Received::would_block) return;
    if (!out_.empty()) return write();  // shed answers held for one more read: the socket ran dry, send them
    wait_readable();
}

void HttpConnection::wait_readable() {
    reading_ = true;
    socket_.async_wait(asio::ip::tcp::socket::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                           self->reading_ = false;
                           if (self->closed_) return;
                           if (ec) {
                               self->close();
                               return;
                           }
                           if (self->receive() == Received::would_block) self->wait_readable();  // a spurious wake-up
                       });
}

HttpConnection::Received HttpConnection::receive() {
    if (tls_) return receive_tls();
    const std::size_t want = std::min(in_cap_ - in_len_, kReadChunk);
    if (want == 0) {  // cannot happen: the parser rejects a request before it outgrows the buffer
        close();
        return Received::closed;
    }
    std::size_t got = 0;
    const Received r = recv_chunk(in_.get() + in_len_, want, got);
    if (r != Received::data) return r;
    in_len_ += got;
    process();
    return Received::data;
}

// Ciphertext in, plaintext into the request buffer. A read may bring only
// part of a record, or only handshake messages, which are answered at once.
HttpConnection::Received HttpConnection::receive_tls() {
    if (in_len_ == in_cap_) {  // as above: cannot happen
        close();
        return Received::closed;
    }
    if (!tls_->has_input()) {
        std::size_t got = 0;
        const Received r = recv_chunk(cipher_in_.get(), kReadChunk, got);
        if (r != Received::data) return r;
        if (!tls_->started() && plain_http(cipher_in_[0])) return refuse_plain_http();
        tls_->feed(cipher_in_.get(), got);
    }
    const TlsSession::Plain plain = tls_->read(in_.get() + in_len_, in_cap_ - in_len_);
    if (plain.status == TlsSession::Status::failed || (plain.status == TlsSession::Status::closed && plain.bytes == 0)) {
        close();
        return Received::closed;
    }
    in_len_ += plain.bytes;
    // Decrypted bytes left over (the buffer filled) are not in the socket:
    // read them before waiting for it.
    try_read_now_ = try_read_now_ || tls_->has_input();
    if (plain.bytes > 0) {
        process();
        return Received::data;
    }
    if (tls_->has_output()) {  // the handshake speaks
        write();
        return Received::data;
    }
    return Received::would_block;
}

// A TLS connection opens with a handshake record (type 22); an HTTP/1.1
// request opens with its method's first letter.
bool HttpConnection::plain_http(char first_byte) { return first_byte >= 'A' && first_byte <= 'Z'; }

// Someone sent plain HTTP to the HTTPS port: tell them so, in plain HTTP.
HttpConnection::Received HttpConnection::refuse_plain_http() {
    tls_.reset();
    bump(shard_.resources().counters.http_errors);
    respond_error(400, "https_required", "this port speaks HTTPS: use https://");
    close_after_write_ = true;
    write();
    return Received::data;
}

// One recvmsg() of at most `want` bytes, with its arrival noted.
HttpConnection::Received HttpConnection::recv_chunk(char* into, std::size_t want, std::size_t& got) {
    iovec iov{into, want};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control_.bytes;
    msg.msg_controllen = sizeof control_.bytes;
    ssize_t n;
    do n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        try_read_now_ = false;
        return Received::would_block;
    }
    if (n <= 0) {
        close();  // peer closed or reset: nothing to answer
        return Received::closed;
    }
    note_arrival(msg);
    try_read_now_ = static_cast<std::size_t>(n) == want;
    ++turn_reads_;
    got = static_cast<std::size_t>(n);
    return Received::data;
}

void HttpConnection::note_arrival(const msghdr& msg) {
    const std::int64_t now = shard_.state().clock.now().time_since_epoch().count();
    std::int64_t waited = 0;
    for (const cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), const_cast<cmsghdr*>(c))) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
        timespec stamp;
        std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
        if (stamp.tv_sec == 0) break;  // segments that came before timestamping was on
        // The kernel stamps in CLOCK_REALTIME; only the age is taken from it,
        // the arrival itself is on the engine's (injected) clock.
        timespec wall;
        ::clock_gettime(CLOCK_REALTIME, &wall);
        waited =
            std::max<std::int64_t>(0, (wall.tv_sec - stamp.tv_sec) * 1'000'000 + (wall.tv_nsec - stamp.tv_nsec) / 1000);
    }
    last_arrival_us_ = now - waited;
    if (in_len_ == 0) head_arrival_us_ = last_arrival_us_;
}

void HttpConnection::process() {
    std::size_t pos = 0;
    int answered = 0;
    bool turn_full = false;  // stopped with requests possibly left in the buffer
    while (pos < in_len_ && !close_after_write_) {
        if (answered >= kMaxRequestsPerTurn || out_.size() >= kMaxOutPerTurn) {
            turn_full = true;
            break;
        }
        HttpRequest req;
        const HttpParseStatus st = parse_http_request(in_.get() + pos, in_len_ - pos, shard_.limits(), req);
        if (st == HttpParseStatus::incomplete) {
            // curl sends Expect: 100-continue for bodies over 1 KiB and
            // waits a second for this unless answered.
            if (!sent_continue_ && req.headers_complete && req.expect_continue) {
                out_ += "HTTP/1.1 100 Continue\r\n\r\n";
                sent_continue_ = true;
            }
            break;
        }
        if (st == HttpParseStatus::error) {
            bump(shard_.resources().counters.http_errors);
            respond_error(req.error_status ? req.error_status : 400, "bad_http", req.error_reason);
            close_after_write_ = true;  // framing is lost: we cannot find the next request
            pos = in_len_;
            break;
        }
        sent_continue_ = false;
        // Only the first request can hold bytes of an earlier read (the
        // buffer is read into only once no whole request is left in it).
        handle(req, pos == 0 ? head_arrival_us_ : last_arrival_us_);
        pos += req.consumed;
        ++answered;
    }
    if (pos > 0) {
        std::memmove(in_.get(), in_.get() + pos, in_len_ - pos);
        in_len_ -= pos;
        request_started_us_ = 0;
        head_arrival_us_ = last_arrival_us_;
    }
    set_deadline_for_state();
    const bool shed_through = try_read_now_ && turn_shed_only_ && !turn_full && !close_after_write_ &&
                              !sent_continue_ && turn_reads_ < kMaxReadsPerTurn;
    if (!out_.empty() && !shed_through) write();
    else if (close_after_write_ && in_len_ == 0) close();
    else read();
}

void HttpConnection::handle(const HttpRequest& req, std::int64_t arrival_us) {
    ShardCounters& counters = shard_.resources().counters;
    bump(counters.http_requests);
    const bool keep_alive = req.keep_alive && !shard_.stopping();
    if (!keep_alive) close_after_write_ = true;
    if (req.unsupported_encoding) {
        turn_shed_only_ = false;
        respond_error(415, "unsupported_encoding", "Content-Encoding must be gzip or identity");
        return;
    }
    if (req.method == HttpMethod::post && req.path == "/openrtb2/bid") {
        const std::int64_t now = shard_.state().clock.now().time_since_epoch().count();
        // A gzip body is not inflated to find its tmax: the default deadline applies.
        const Backlog backlog = try_read_now_ ? Backlog::behind : Backlog::drained;
        const std::string_view json = req.body_gzip ? std::string_view{} : req.body;
        if (const auto reason = shard_.admission().check(now - arrival_us, now, json, backlog))
            return shed(req, *reason, keep_alive);
    }
    turn_shed_only_ = false;
    std::string_view body = req.body;
    if (req.body_gzip) {
        const std::size_t cap = shard_.limits().max_body_bytes;
        const long n = shard_.inflater().inflate(body, shard_.inflate_buffer(), cap);
        if (n == -2) return respond_error(413, "body_too_large", "inflated body exceeds the body size limit");
        if (n < 0) return respond_error(400, "bad_gzip", "body is not valid gzip");
        body = std::string_view(shard_.inflate_buffer(), static_cast<std::size_t>(n));
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Timestamp received{std::chrono::microseconds{arrival_us}};
    const RouteResponse r = shard_.router().route(req, body, received);
    if (req.path == "/openrtb2/bid") {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
        counters.bid_latency.record(static_cast<std::uint64_t>(ns.count()));
    }
    respond(r, keep_alive && !close_after_write_);
    hold_until_seq_ = std::max(hold_until_seq_, r.durable_after);
    if (req.method == HttpMethod::head) {
        // HEAD: headers only. respond() appended the body; drop it.
        out_.resize(out_.size() - r.body.size());
    }
}

void HttpConnection::shed(const HttpRequest& req, ShedReason reason, bool keep_alive) {
    ShardCounters& counters = shard_.resources().counters;
    bump(counters.requests);
    bump(counters.no_bid_responses);
    bump(counters.shed[static_cast<int>(reason)]);
    out_ += "HTTP/1.1 204 No Content\r\nServer: bidline\r\nBidline-Shed: ";
    out_ += to_string(reason);
    out_ += "\r\n";
    if (const std::string_view version = req.header("x-openrtb-version"); !version.empty()) {
        out_ += "x-openrtb-version: ";
        out_ += version;
        out_ += "\r\n";
    }
    if (!keep_alive || close_after_write_) {
        out_ += "Connection: close\r\n";
        close_after_write_ = true;
    }
    out_ += "\r\n";
}

void HttpConnection::respond_error(std::uint16_t status, std::string_view code, std::string_view message) {
    respond(shard_.router().error(status, code, message), false);
}

void HttpConnection::respond(const RouteResponse& r, bool keep_alive) {
    char num[24];
    out_ += "HTTP/1.1 ";
    out_.append(num, std::to_chars(num, num + sizeof num, r.status).ptr);
    out_ += ' ';
    out_ += status_text(r.status);
    out_ += "\r\nServer: bidline\r\n";
    if (r.status != 204) {
        out_ += "Content-Type: ";
        out_ += r.content_type;
        out_ += "\r\nContent-Length: ";
        out_.append(num, std::to_chars(num, num + sizeof num, r.body.size()).ptr);
        out_ += "\r\n";
    }
    if (!r.openrtb_version.empty()) {
        out_ += "x-openrtb-version: ";
        out_ += r.openrtb_version;
        out_ += "\r\n";
    }
    if (r.retry_after_s > 0) {
        out_ += "Retry-After: ";
        out_.append(num, std::to_chars(num, num + sizeof num, r.retry_after_s).ptr);
        out_ += "\r\n";
    }
    if (!r.www_authenticate.empty()) {
        out_ += "WWW-Authenticate: ";
        out_ += r.www_authenticate;
        out_ += "\r\n";
    }
    if (!r.etag.empty()) {
        out_ += "ETag: ";
        out_ += r.etag;
        out_ += "\r\n";
    }
    if (!r.allow.empty()) {
        out_ += "Allow: ";
        out_ += r.allow;
        out_ += "\r\n";
    }
    if (!keep_alive) {
        out_ += "Connection: close\r\n";
        close_after_write_ = true;
    }
    out_ += "\r\n";
    if (r.status != 204) out_ += r.body;
}

void HttpConnection::on_durable() {
    if (hold_until_seq_ != 0 && !out_.empty()) write();
}

void HttpConnection::write() {
    if (writing_ || closed_) return;
    if (hold_until_seq_ != 0) {
        // Acknowledge events only once they are durable; on_durable() retries.
        const auto* log = shard_.state().event_log;
        if (log != nullptr && !log->failed() &&
            log->durable_sequence(feeds::ProducerId{shard_.resources().id}) < hold_until_seq_)
            return;
        if (log != nullptr && log->failed()) {
            // The log failed: these events are not durable. Tell the client to retry.
            out_.clear();
            respond_error(503, "event_log_failed", "events could not be made durable; retry");
            close_after_write_ = true;
        }
        hold_until_seq_ = 0;
    }
    writing_ = true;
    turn_reads_ = 0;
    turn_shed_only_ = true;
    if (tls_) {
        if (!tls_->write(out_)) {
            writing_ = false;
            close();
            return;
        }
        out_.clear();
        tls_->take_output(wire_);
    }
    asio::async_write(socket_, asio::buffer(tls_ ? wire_ : out_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                          self->writing_ = false;
                          self->out_.clear();
                          self->wire_.clear();
                          if (ec || self->close_after_write_) {
                              self->close();
                              return;
                          }
                          self->process();  // pipelined requests may already be buffered
                      });
}

}  // namespace bidline::net
