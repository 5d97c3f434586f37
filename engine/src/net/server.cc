#include "bidline/engine/server.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/event_stream_connection.h"
#include "net/shard_server.h"
#include "net/tls_context.h"

namespace bidline {

struct Server::Impl {
    EngineState& state;
    std::vector<std::unique_ptr<net::ShardServer>> shards;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    std::optional<std::uint16_t> stream_port;
    std::atomic<std::size_t> finished{0};
    net::StreamProgressTable stream_progress;  // shared by every shard's stream connections
};

Server::Server(EngineState& state) : impl_(new Impl{state, {}, {}, 0, {}, {}, {}}) {
    for (auto& r : state.shards) impl_->shards.push_back(std::make_unique<net::ShardServer>(state, *r));
}

Server::~Server() {
    if (!impl_->threads.empty()) stop(std::chrono::milliseconds(0));
}

const char* Server::io_backend() { return BIDLINE_IO_BACKEND; }

void Server::start() {
    // The first shard binds (port 0 = pick one); the rest bind the same port.
    const auto& settings = impl_->state.settings;
    std::shared_ptr<const net::TlsContext> tls;
    if (!settings.tls_cert.empty()) tls = net::TlsContext::load(settings.tls_cert, settings.tls_key);
    std::uint16_t port = settings.listen_port;
    for (auto& s : impl_->shards) port = s->listen(settings.listen_host, port, tls);
    impl_->port = port;
    // Notice URLs must name the port we really got; set before any shard
    // thread starts, since shards read it unsynchronised on every bid.
    if (settings.notice_base_url.empty())
        impl_->state.notice_base_url = scheme() + "://" + settings.listen_host + ":" + std::to_string(port);
    if (const auto requested = impl_->state.settings.stream_port) {
        std::uint16_t sport = *requested;
        for (auto& s : impl_->shards)
            sport = s->listen_stream(impl_->state.settings.listen_host, sport, impl_->stream_progress);
        impl_->stream_port = sport;
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < impl_->shards.size(); ++i) {
        impl_->threads.emplace_back([s = impl_->shards[i].get(), impl = impl_.get()] {
            s->run();
            impl->finished.fetch_add(1);
        });
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(i % cores, &set);
        pthread_setaffinity_np(impl_->threads.back().native_handle(), sizeof set, &set);  // best effort
    }
}

std::uint16_t Server::port() const { return impl_->port; }
std::string Server::scheme() const { return impl_->state.settings.tls_cert.empty() ? "http" : "https"; }
std::optional<std::uint16_t> Server::stream_port() const { return impl_->stream_port; }

void Server::stop(std::chrono::milliseconds grace) {
    for (auto& s : impl_->shards) s->begin_stop();
    // A shard's io_context returns by itself once its connections are gone;
    // whatever is still busy after the grace period is cut off.
    const auto deadline = std::chrono::steady_clock::now() + grace;
    const std::size_t n = impl_->threads.size();
    std::thread killer([&] {
        while (std::chrono::steady_clock::now() < deadline && impl_->finished.load() < n)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        for (auto& s : impl_->shards) s->force_stop();
    });
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
    killer.join();
}

}  // namespace bidline
