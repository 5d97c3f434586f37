// The shard-per-core HTTP server: one thread per shard, pinned to a core,
// each with its own Asio io_context and its own SO_REUSEPORT listener, so
// the kernel spreads connections and a request never changes thread.
// Event stream connections (feeds/README.md, "Binary event stream") are
// spread the same way on their own port.
// The socket backend (io_uring or epoll) is fixed when the binary is built
// (see engine/CMakeLists.txt); io_backend() names it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bidline/engine/engine_state.h"

namespace bidline {

class Server {
public:
    explicit Server(EngineState& state);
    ~Server();

    // Binds every shard's listener (port 0 picks a free port, shared by all
    // shards) and starts the shard threads. Throws on bind failure, and when
    // settings.tls_cert / tls_key cannot be loaded.
    void start();
    std::uint16_t port() const;
    // "https" when settings.tls_cert is set, else "http".
    std::string scheme() const;
    // The binary event stream port, when settings.stream_port asked for one
    // (every shard listens on it too, SO_REUSEPORT).
    std::optional<std::uint16_t> stream_port() const;

    // Graceful stop: stop accepting, let in-flight requests finish, close
    // idle connections; force-close what is left after `grace`.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(1500));

    static const char* io_backend();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bidline
