// ShardServer: one shard's io_context, listener, connections and Router.
// Everything here runs on the shard's own thread; other threads only post
// to its io_context (for start and stop).
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <unordered_map>

#include "bidline/engine/engine_state.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/router.h"

namespace bidline::net {

class HttpConnection;

class ShardServer {
public:
    ShardServer(EngineState& state, ShardResources& resources);

    // Opens the SO_REUSEPORT listener; returns the bound port.
    std::uint16_t listen(const std::string& host, std::uint16_t port);
    void run();           // on the shard thread, until stopped
    void begin_stop();    // thread-safe: posts the drain to the shard thread
    void force_stop() { io_.stop(); }

    EngineState& state() { return state_; }
    ShardResources& resources() { return resources_; }
    Router& router() { return router_; }
    GzipInflater& inflater() { return inflater_; }
    char* inflate_buffer() { return inflate_buf_.get(); }
    HttpLimits limits() const;
    bool stopping() const { return stopping_; }
    void forget(HttpConnection* c);

private:
    void accept();
    void sweep();

    EngineState& state_;
    ShardResources& resources_;
    boost::asio::io_context io_{1};
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    boost::asio::steady_timer sweep_timer_{io_};
    Router router_;
    GzipInflater inflater_;
    std::unique_ptr<char[]> inflate_buf_;
    std::unordered_map<HttpConnection*, std::shared_ptr<HttpConnection>> connections_;
    bool stopping_ = false;
};

}  // namespace bidline::net
