#include "net/shard_server.h"

#include <netinet/tcp.h>
#include <sys/socket.h>

#include "net/event_stream_connection.h"
#include "net/http_connection.h"

namespace bidline::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

namespace {
constexpr auto kSweepEvery = std::chrono::milliseconds(100);
}

ShardServer::ShardServer(EngineState& state, ShardResources& resources)
    : state_(state),
      resources_(resources),
      router_(state, resources),
      admission_(state.settings.limits.default_deadline),
      inflate_buf_(new char[state.settings.limits.max_body_bytes]) {
    // Called on the event log's writer thread: hop onto this shard's thread.
    resources_.wake_on_durable = [this] { asio::post(io_, [this] { wake_durable(); }); };
}

void ShardServer::wake_durable() {
    // Handlers may close (and forget) their connection: iterate over a copy.
    std::vector<HttpConnection*> all;
    all.reserve(connections_.size());
    for (auto& [p, c] : connections_) all.push_back(p);
    for (HttpConnection* c : all) c->on_durable();
    std::vector<EventStreamConnection*> streams;
    streams.reserve(streams_.size());
    for (auto& [p, c] : streams_) streams.push_back(p);
    for (EventStreamConnection* c : streams) c->on_durable();
}

HttpLimits ShardServer::limits() const {
    return HttpLimits{state_.settings.limits.max_header_bytes, state_.settings.limits.max_body_bytes};
}

std::uint16_t ShardServer::listen(const std::string& host, std::uint16_t port, std::shared_ptr<const TlsContext> tls) {
    tls_ = std::move(tls);
    const tcp::endpoint ep(asio::ip::make_address(host), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.set_option(reuse_port(true));  // every shard listens on the same port; the kernel spreads connections
    acceptor_.bind(ep);
    acceptor_.listen(4096);
    return acceptor_.local_endpoint().port();
}

std::uint16_t ShardServer::listen_stream(const std::string& host, std::uint16_t port, StreamProgressTable& progress) {
    const tcp::endpoint ep(asio::ip::make_address(host), port);
    stream_acceptor_.open(ep.protocol());
    stream_acceptor_.set_option(tcp::acceptor::reuse_address(true));
    stream_acceptor_.set_option(reuse_port(true));
    stream_acceptor_.bind(ep);
    stream_acceptor_.listen(1024);
    stream_progress_ = &progress;
    return stream_acceptor_.local_endpoint().port();
}

void ShardServer::run() {
    accept();
    if (stream_acceptor_.is_open()) accept_stream();
    sweep();
    // io_.run(), except that every time the loop finds no ready work it
    // tells admission control the shard was idle: a shard that never is has
    // a standing queue (admission.h). It was idle until run_one() woke, too:
    // a wake-up the scheduler delayed (a busy machine) is not a queue of ours.
    const auto now_us = [this] { return state_.clock.now().time_since_epoch().count(); };
    for (;;) {
        if (io_.poll() > 0) continue;
        if (io_.stopped()) break;
        admission_.note_idle(now_us());
        if (io_.run_one() == 0) break;
        admission_.note_idle(now_us());
    }
}

void ShardServer::accept() {
    // Into a member socket rather than Asio's moving accept: an accept
    // still queued when the io_context goes is destroyed after the socket
    // service, and the moving form then builds a socket on that dead
    // service (UBSan at an engine's exit); this form touches nothing.
    acceptor_.async_accept(peer_, [this](const boost::system::error_code& ec) {
        tcp::socket socket = std::move(peer_);
        if (ec) {
            if (ec == asio::error::operation_aborted || stopping_) return;
            accept();  // e.g. EMFILE: keep serving the connections we have
            return;
        }
        bump(resources_.counters.connections_total);
        if (open_connections() >= state_.settings.limits.max_connections_per_shard) {
            bump(resources_.counters.http_errors);
            boost::system::error_code ignored;
            socket.close(ignored);  // over the limit: refuse rather than grow without bound
        } else {
            socket.set_option(tcp::no_delay(true));
            // Receive timestamps tell how long a request sat in the socket
            // buffer (HttpConnection); without them it counts from the read.
            const int on = 1;
            ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
            auto c = std::make_shared<HttpConnection>(*this, std::move(socket), tls_.get());
            connections_.emplace(c.get(), c);
            resources_.counters.connections_open.store(connections_.size(), std::memory_order_relaxed);
            c->start();
        }
        if (!stopping_) accept();
    });
}

void ShardServer::accept_stream() {
    stream_acceptor_.async_accept(stream_peer_, [this](const boost::system::error_code& ec) {  // as in accept()
        tcp::socket socket = std::move(stream_peer_);
        if (ec) {
            if (ec == asio::error::operation_aborted || stopping_) return;
            accept_stream();
            return;
        }
        bump(resources_.counters.connections_total);
        if (open_connections() >= state_.settings.limits.max_connections_per_shard) {
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            boost::system::error_code ignored;  // a peer that already reset is found on the first read
            socket.set_option(tcp::no_delay(true), ignored);  // ACKs are small and latency-bound
            auto c = std::make_shared<EventStreamConnection>(*this, std::move(socket), *stream_progress_);
            streams_.emplace(c.get(), c);
            c->start();
        }
        if (!stopping_) accept_stream();
    });
}

void ShardServer::sweep() {
    sweep_timer_.expires_after(kSweepEvery);
    sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        router_.refresh();  // pick up snapshots even when no request arrives
        const std::int64_t now = state_.clock.now().time_since_epoch().count();
        std::vector<HttpConnection*> all;
        all.reserve(connections_.size());
        for (auto& [p, c] : connections_) all.push_back(p);
        for (HttpConnection* c : all) c->check_deadline(now);
        std::vector<EventStreamConnection*> streams;
        streams.reserve(streams_.size());
        for (auto& [p, c] : streams_) streams.push_back(p);
        for (EventStreamConnection* c : streams) {
            c->check_deadline(now);
            c->on_durable();  // backstop for a stalled stream whose wake-up raced its stall
        }
        if (!stopping_ || open_connections() > 0) sweep();
    });
}

void ShardServer::forget(HttpConnection* c) {
    // Keep the object alive until the handlers that reference it have run.
    auto it = connections_.find(c);
    if (it == connections_.end()) return;
    auto keep = it->second;
    connections_.erase(it);
    resources_.counters.connections_open.store(connections_.size(), std::memory_order_relaxed);
    asio::post(io_, [keep] {});
    if (stopping_ && open_connections() == 0) sweep_timer_.cancel();
}

void ShardServer::forget(EventStreamConnection* c) {
    auto it = streams_.find(c);
    if (it == streams_.end()) return;
    auto keep = it->second;
    streams_.erase(it);
    asio::post(io_, [keep] {});
    if (stopping_ && open_connections() == 0) sweep_timer_.cancel();
}

ShardServer::~ShardServer() {
    // Operations still pending when the io_context is destroyed (an accept a
    // forced stop cut off, a wait on a connection) are destroyed by Asio's
    // io_uring backend after the socket service they point into: a
    // use-after-free at exit (found by ASan). So cancel everything and run
    // the completions out first, here on the owner's thread: the shard's has
    // been joined.
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    stream_acceptor_.close(ignored);
    sweep_timer_.cancel();
    std::vector<std::shared_ptr<HttpConnection>> http;
    for (auto& [p, c] : connections_) http.push_back(c);
    for (auto& c : http) c->close();
    std::vector<std::shared_ptr<EventStreamConnection>> streams;
    for (auto& [p, c] : streams_) streams.push_back(c);
    for (auto& c : streams) c->close();
    io_.restart();
    io_.run_for(std::chrono::seconds(1));  // returns as soon as nothing is pending
}

void ShardServer::begin_stop() {
    asio::post(io_, [this] {
        stopping_ = true;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        stream_acceptor_.close(ignored);
        std::vector<HttpConnection*> all;
        for (auto& [p, c] : connections_) all.push_back(p);
        for (HttpConnection* c : all) c->drain();
        std::vector<EventStreamConnection*> streams;
        for (auto& [p, c] : streams_) streams.push_back(p);
        for (EventStreamConnection* c : streams) c->drain();
        if (open_connections() == 0) sweep_timer_.cancel();
    });
}

}  // namespace bidline::net
