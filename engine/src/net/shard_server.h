// ShardServer: one shard's io_context, listeners (HTTP and, when enabled,
// the binary event stream), connections and Router. Everything here runs on
// the shard's own thread; other threads only post to its io_context (for
// start, stop and the event log's durability wake-ups).
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <unordered_map>

#include "bidline/engine/engine_state.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/router.h"
#include "net/admission.h"
#include "net/tls_context.h"

namespace bidline::net {

class HttpConnection;
class EventStreamConnection;
class StreamProgressTable;

class ShardServer {
public:
    ShardServer(EngineState& state, ShardResources& resources);
    // After the shard thread has ended: finishes what is still pending (see the .cc).
    ~ShardServer();
    ShardServer(const ShardServer&) = delete;
    ShardServer& operator=(const ShardServer&) = delete;

    // Opens the SO_REUSEPORT listener; returns the bound port. With `tls`,
    // every connection it accepts speaks HTTPS.
    std::uint16_t listen(const std::string& host, std::uint16_t port, std::shared_ptr<const TlsContext> tls = nullptr);
    // Opens the SO_REUSEPORT event stream listener; returns the bound port.
    // `progress` is shared by every shard and outlives the server.
    std::uint16_t listen_stream(const std::string& host, std::uint16_t port, StreamProgressTable& progress);
    void run();           // on the shard thread, until stopped
    void begin_stop();    // thread-safe: posts the drain to the shard thread
    void force_stop() { io_.stop(); }

    EngineState& state() { return state_; }
    ShardResources& resources() { return resources_; }
    Router& router() { return router_; }
    GzipInflater& inflater() { return inflater_; }
    const AdmissionControl& admission() const { return admission_; }
    char* inflate_buffer() { return inflate_buf_.get(); }
    HttpLimits limits() const;
    bool stopping() const { return stopping_; }
    void forget(HttpConnection* c);
    void forget(EventStreamConnection* c);

private:
    void accept();
    void accept_stream();
    void sweep();
    void wake_durable();
    [[nodiscard]] std::size_t open_connections() const { return connections_.size() + streams_.size(); }

    EngineState& state_;
    ShardResources& resources_;
    boost::asio::io_context io_{1};
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    boost::asio::ip::tcp::acceptor stream_acceptor_{io_};
    boost::asio::ip::tcp::socket peer_{io_};         // what the pending accepts fill
    boost::asio::ip::tcp::socket stream_peer_{io_};
    std::shared_ptr<const TlsContext> tls_;
    StreamProgressTable* stream_progress_ = nullptr;
    boost::asio::steady_timer sweep_timer_{io_};
    Router router_;
    AdmissionControl admission_;
    GzipInflater inflater_;
    std::unique_ptr<char[]> inflate_buf_;
    std::unordered_map<HttpConnection*, std::shared_ptr<HttpConnection>> connections_;
    std::unordered_map<EventStreamConnection*, std::shared_ptr<EventStreamConnection>> streams_;
    bool stopping_ = false;
};

}  // namespace bidline::net
