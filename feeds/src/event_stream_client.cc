// Non-blocking socket driven by poll(): while a large batch is being written
// the client keeps reading ACKs, so neither side can fill its buffers and
// wait for the other forever.
#include "bidline/feeds/event_stream_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <flatbuffers/flatbuffers.h>

#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_stream_protocol.h"

namespace bidline::feeds {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

int connect_with_timeout(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                         std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        error = "resolve " + host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        if (errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int so_error = 0;
            socklen_t len = sizeof so_error;
            if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error == 0)
                break;
            errno = so_error != 0 ? so_error : ETIMEDOUT;
        }
        error = errno_text(("connect " + host + ":" + service).c_str());
        ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(found);
    if (fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

}  // namespace

EventStreamClient::EventStreamClient(StreamClientOptions options)
    : options_(std::move(options)), fbb_(std::make_unique<flatbuffers::FlatBufferBuilder>(1024)) {
    frames_.reserve(options_.flush_bytes * 2);
    inbox_.reserve(64 * 1024);
}

EventStreamClient::~EventStreamClient() { disconnect(); }

void EventStreamClient::disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    welcomed_ = false;
    control_.clear();
    inbox_.clear();
}

StreamStatus EventStreamClient::fail(StreamErrc code, std::string message) {
    disconnect();
    return StreamStatus{code, std::move(message)};
}

StreamStatus EventStreamClient::connect() {
    disconnect();
    server_error_.clear();
    std::string error;
    fd_ = connect_with_timeout(options_.host, options_.port, options_.timeout, error);
    if (fd_ < 0) return StreamStatus{StreamErrc::connect_failed, error};
    stream::append_hello(control_, options_.name, options_.api_key);
    if (auto s = pump_until([&] { return welcomed_; }); !s.ok()) return s;
    if (!ever_connected_ && entries_.empty()) {
        next_seq_ = welcome_ + 1;  // a new client of a known stream continues its numbering
        acked_ = welcome_;
    } else {
        ack_through(welcome_);
    }
    ever_connected_ = true;
    sent_ = head_;  // resend everything not yet acknowledged
    return {};
}

StreamStatus EventStreamClient::send(const Event& event, std::uint64_t* seq) {
    fbb_->Clear();
    return send_encoded(encode_event(event, *fbb_), seq);
}

StreamStatus EventStreamClient::send_encoded(std::span<const std::uint8_t> flatbuffer, std::uint64_t* seq) {
    const std::uint64_t s = next_seq_++;
    if (seq != nullptr) *seq = s;
    stream::append_event(frames_, s, flatbuffer);
    entries_.push_back(Entry{s, queued_end()});
    if (fd_ < 0) return {};  // queued: connect() sends it
    if (queued_end() - sent_ >= options_.flush_bytes) {
        if (auto st = pump_until([&] { return queued_end() - sent_ < options_.flush_bytes; }); !st.ok()) return st;
    }
    if (entries_.size() > options_.max_unacked)
        return pump_until([&] { return entries_.size() <= options_.max_unacked; });
    return {};
}

StreamStatus EventStreamClient::flush() {
    if (fd_ < 0) return {StreamErrc::disconnected, "not connected"};
    return pump_until([&] { return sent_ == queued_end() && control_.empty(); });
}

StreamStatus EventStreamClient::wait_all_acked() {
    if (fd_ < 0) return {StreamErrc::disconnected, "not connected"};
    return pump_until([&] { return entries_.empty(); });
}

StreamStatus EventStreamClient::poll() {
    if (fd_ < 0) return {StreamErrc::disconnected, "not connected"};
    bool progress = false;
    if (auto s = read_some(progress); !s.ok()) return s;
    return handle_frames();
}

StreamStatus EventStreamClient::send_raw(std::string_view bytes) {
    if (auto s = flush(); !s.ok()) return s;
    control_.append(bytes);
    return pump_until([&] { return control_.empty(); });
}

StreamStatus EventStreamClient::pump_until(const std::function<bool()>& done) {
    auto deadline = SteadyClock::now() + options_.timeout;
    for (;;) {
        if (fd_ < 0) return {StreamErrc::disconnected, "not connected"};
        bool progress = false;
        if (auto s = write_some(progress); !s.ok()) return s;
        if (auto s = read_some(progress); !s.ok()) return s;
        if (auto s = handle_frames(); !s.ok()) return s;
        if (done()) return {};
        const auto now = SteadyClock::now();
        if (progress) deadline = now + options_.timeout;
        if (now >= deadline) return fail(StreamErrc::timeout, "no progress from the server within the timeout");
        const bool want_write = !control_.empty() || sent_ < queued_end();
        pollfd p{fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0};
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, wait))) < 0 && errno != EINTR)
            return fail(StreamErrc::disconnected, errno_text("poll"));
    }
}

StreamStatus EventStreamClient::write_some(bool& progress) {
    while (!control_.empty()) {
        const ssize_t n = ::send(fd_, control_.data(), control_.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return {};
            return fail(StreamErrc::disconnected, errno_text("send"));
        }
        control_.erase(0, static_cast<std::size_t>(n));
        progress = true;
    }
    if (!welcomed_) return {};  // events follow the WELCOME: it says which ones to resend
    while (sent_ < queued_end()) {
        const std::size_t from = static_cast<std::size_t>(sent_ - base_);
        const ssize_t n = ::send(fd_, frames_.data() + from, frames_.size() - from, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return {};
            return fail(StreamErrc::disconnected, errno_text("send"));
        }
        sent_ += static_cast<std::uint64_t>(n);
        progress = true;
    }
    return {};
}

StreamStatus EventStreamClient::read_some(bool& progress) {
    char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            inbox_.append(buf, static_cast<std::size_t>(n));
            progress = true;
            if (static_cast<std::size_t>(n) < sizeof buf) return {};
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return {};
        // Closed: the frames already read may say why (an ERROR).
        if (auto s = handle_frames(); !s.ok()) return s;
        return fail(StreamErrc::disconnected, n == 0 ? "server closed the connection" : errno_text("recv"));
    }
}

StreamStatus EventStreamClient::handle_frames() {
    std::size_t pos = 0;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(inbox_.data());
    for (;;) {
        const stream::FrameView f = stream::next_frame({bytes + pos, inbox_.size() - pos});
        if (f.status == stream::FrameStatus::incomplete) break;
        if (f.status == stream::FrameStatus::bad_length)
            return fail(StreamErrc::protocol, "server sent a frame of length " + std::to_string(f.length));
        pos += f.consumed;
        const auto type = static_cast<stream::FrameType>(f.type);
        if (type == stream::FrameType::error) {
            server_error_.assign(reinterpret_cast<const char*>(f.payload.data()), f.payload.size());
            return fail(StreamErrc::server_error, "server error: " + server_error_);
        }
        if (type == stream::FrameType::reject) {
            const auto r = stream::parse_reject(f.payload);
            if (!r) return fail(StreamErrc::protocol, "malformed REJECT frame");
            if (r->seq > last_reject_) {
                last_reject_ = r->seq;
                rejections_.push_back({r->seq, r->code, std::string(r->reason)});
            }
            continue;
        }
        const auto seq = stream::read_seq(f.payload);
        if (!seq) return fail(StreamErrc::protocol, "malformed frame from the server");
        if (type == stream::FrameType::welcome) {
            welcome_ = *seq;
            welcomed_ = true;
        } else if (type == stream::FrameType::ack) {
            ack_through(*seq);
        } else {
            return fail(StreamErrc::protocol, "unexpected frame type " + std::to_string(f.type) + " from the server");
        }
    }
    inbox_.erase(0, pos);
    return {};
}

void EventStreamClient::ack_through(std::uint64_t seq) {
    acked_ = std::max(acked_, seq);
    while (!entries_.empty() && entries_.front().seq <= seq) {
        head_ = entries_.front().end;
        entries_.pop_front();
    }
    if (sent_ < head_) sent_ = head_;
    // Drop acknowledged bytes once they are the larger part of the buffer.
    const std::uint64_t dead = head_ - base_;
    if (dead > (std::uint64_t{1} << 20) && dead * 2 > frames_.size()) {
        frames_.erase(0, static_cast<std::size_t>(dead));
        base_ = head_;
    }
}

}  // namespace bidline::feeds
