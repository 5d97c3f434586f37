// Feed ingestion throughput, durable events per wall-clock second, three
// ways in one run against an in-process engine (one shard, the demo
// catalog, the group-committed event log in a temp dir, fsync policy as in
// serve):
//   BM_StreamIngest   the binary event stream: one EventStreamClient sends
//                     win events pipelined and waits until all are ACKed
//   BM_HttpIngest     the baseline: POST /v1/events, NDJSON batches of
//                     kHttpBatch lines, one request at a time (each answer
//                     waits for durability, as the endpoint does)
//   BM_LogSubmit      the ceiling: the same events, already encoded,
//                     submitted straight to a GroupCommitLog
// Each run checks its answer: every event acknowledged, none rejected, and
// the shard's accepted-event counter moved by exactly the events sent.
// ctest runs it with tiny arguments; the figure in feeds/README.md comes
// from `build/bench/event_stream_bench` on a release build.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include "support/scratch_dir.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <flatbuffers/flatbuffers.h>

#include "bidline/config/config.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"
#include "bidline/engine/server.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_group_commit.h"
#include "bidline/feeds/event_stream_client.h"

namespace {

using namespace bidline;

constexpr std::size_t kHttpBatch = 2000;

using bidline::test::ScratchDir;

// The engine of `bidline serve`, wired the same way (serve_command.cc), in
// this process: one shard, HTTP and stream listeners on free ports.
class InProcessEngine {
public:
    InProcessEngine() : config_(make_config()), state_(config_, clock_), control_(state_) {
        control_.start();
        server_ = std::make_unique<Server>(state_);
        feeds::GroupCommitOptions o;
        o.log.directory = dir_.path() / "events";
        o.producers = 2 * static_cast<std::uint32_t>(state_.shards.size());  // feed + request-log lanes
        o.on_durable = [this](std::span<const feeds::ProducerId> producers) {
            for (feeds::ProducerId p : producers)
                if (p.value < state_.shards.size() && state_.shards[p.value]->wake_on_durable)
                    state_.shards[p.value]->wake_on_durable();
        };
        log_ = std::make_unique<feeds::GroupCommitLog>(o);
        state_.event_log = log_.get();
        server_->start();
    }
    ~InProcessEngine() {
        server_->stop();
        log_->stop();
        control_.stop();
    }
    std::uint16_t http_port() const { return server_->port(); }
    std::uint16_t stream_port() const { return *server_->stream_port(); }
    std::uint64_t accepted() const {
        std::uint64_t n = 0;
        for (const auto& s : state_.shards) n += s->feed_events_accepted.load(std::memory_order_relaxed);
        return n;
    }
    // Accepted events that missed the control ring (applied only after a restart).
    std::uint64_t dropped() const {
        std::uint64_t n = 0;
        for (const auto& s : state_.shards) n += s->counters.events_dropped.load(std::memory_order_relaxed);
        return n;
    }

private:
    static Config make_config() {
        Config c = load_demo_config();
        c.engine.shards = 1;
        c.engine.listen_port = 0;
        c.engine.stream_port = 0;
        c.engine.limits.max_body_bytes = 4u << 20;
        // The default tick (the control loop drains the rings every 5 ms
        // between ticks); BIDLINE_STREAM_BENCH_TICK_MS changes it.
        if (const char* tick = std::getenv("BIDLINE_STREAM_BENCH_TICK_MS"))
            c.engine.control_tick = std::chrono::milliseconds(std::max(1L, std::atol(tick)));
        return c;
    }
    ScratchDir dir_;
    Config config_;
    SystemClock clock_;
    EngineState state_;
    ControlLoop control_;
    std::unique_ptr<Server> server_;
    std::unique_ptr<feeds::GroupCommitLog> log_;
};

InProcessEngine& engine() {
    static InProcessEngine e;
    return e;
}

std::atomic<std::uint64_t> g_next_bid{1};

// Ids written by hand: the client's cost should be the protocol's, not snprintf's.
void put_hex16(char* out, std::uint64_t v) {
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = "0123456789abcdef"[v & 15];
}

feeds::Event win_event(std::uint64_t n, feeds::UtcMicros ts) {
    feeds::Event e;
    e.kind = feeds::EventKind::win;
    char id[17] = {'b'};
    put_hex16(id + 1, n);
    (void)e.event_id.assign(std::string_view(id, 17));
    put_hex16(id, 0x5000000000000000ull + n);
    (void)e.bid_id.assign(std::string_view(id, 16));
    (void)e.line_item_id.assign("li-acme-mrec-open");
    e.price = Micros(1'000);
    e.ts = ts;
    return e;
}

feeds::UtcMicros now_us() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

void BM_StreamIngest(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    InProcessEngine& e = engine();
    int run = 0;
    for (auto _ : state) {
        const std::uint64_t before = e.accepted(), dropped_before = e.dropped();
        feeds::StreamClientOptions o;
        o.port = e.stream_port();
        o.name = "bench-" + std::to_string(run++);
        feeds::EventStreamClient client(o);
        if (!client.connect().ok()) return state.SkipWithError("connect failed");
        const feeds::UtcMicros ts = now_us();
        for (std::uint64_t i = 0; i < n; ++i)
            if (!client.send(win_event(g_next_bid++, ts)).ok()) return state.SkipWithError("send failed");
        if (!client.wait_all_acked().ok()) return state.SkipWithError("acks did not arrive");
        if (client.acked_seq() != n || !client.rejections().empty() || e.accepted() - before != n ||
            e.dropped() != dropped_before)
            return state.SkipWithError(
                "wrong answer: not every event acknowledged and handed to the control loop once");
    }
    state.counters["events/s"] =
        benchmark::Counter(static_cast<double>(n * state.iterations()), benchmark::Counter::kIsRate);
}

// Minimal keep-alive HTTP/1.1 POST with a blocking socket.
class HttpPoster {
public:
    explicit HttpPoster(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~HttpPoster() { ::close(fd_); }
    // Returns the status code, and the body in `body`.
    int post(const std::string& path, const std::string& payload, std::string& body) {
        std::string req = "POST " + path +
                          " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
                          std::to_string(payload.size()) + "\r\n\r\n" + payload;
        for (std::size_t off = 0; off < req.size();) {
            const ssize_t w = ::send(fd_, req.data() + off, req.size() - off, MSG_NOSIGNAL);
            if (w <= 0) return -1;
            off += static_cast<std::size_t>(w);
        }
        std::string in;
        char buf[16384];
        std::size_t header_end = std::string::npos, length = 0;
        for (;;) {
            const ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
            if (r <= 0) return -1;
            in.append(buf, static_cast<std::size_t>(r));
            if (header_end == std::string::npos && (header_end = in.find("\r\n\r\n")) != std::string::npos) {
                const auto cl = in.find("Content-Length: ");
                length = cl == std::string::npos ? 0 : std::strtoul(in.c_str() + cl + 16, nullptr, 10);
            }
            if (header_end != std::string::npos && in.size() >= header_end + 4 + length) break;
        }
        body = in.substr(header_end + 4, length);
        return std::atoi(in.c_str() + 9);
    }

private:
    int fd_ = -1;
};

void BM_HttpIngest(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    InProcessEngine& e = engine();
    HttpPoster http(e.http_port());
    const std::uint64_t dropped_before = e.dropped();
    std::string batch, body;
    batch.reserve(kHttpBatch * 200);
    for (auto _ : state) {
        const std::uint64_t before = e.accepted();
        for (std::uint64_t sent = 0; sent < n;) {
            batch.clear();
            const std::uint64_t k = std::min<std::uint64_t>(kHttpBatch, n - sent);
            const long long ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
            for (std::uint64_t i = 0; i < k; ++i) {
                const std::uint64_t b = g_next_bid++;
                char line[256];
                const int len = std::snprintf(
                    line, sizeof line,
                    R"({"type":"win","event_id":"h%llu","bid_id":"%016llx","line_item":"li-acme-mrec-open","price":1.0,"ts":%lld})"
                    "\n",
                    static_cast<unsigned long long>(b), static_cast<unsigned long long>(0x5000000000000000ull + b),
                    ts_ms);
                batch.append(line, static_cast<std::size_t>(len));
            }
            if (http.post("/v1/events", batch, body) != 200)
                return state.SkipWithError(("POST failed: " + body).c_str());
            sent += k;
        }
        if (e.accepted() - before != n) return state.SkipWithError("wrong answer: accepted count");
    }
    // /v1/events does not wait for the control ring: what missed it shows here.
    state.counters["ring_drops"] = static_cast<double>(e.dropped() - dropped_before);
    state.counters["events/s"] =
        benchmark::Counter(static_cast<double>(n * state.iterations()), benchmark::Counter::kIsRate);
}

void BM_LogSubmit(benchmark::State& state) {
    const auto n = static_cast<std::uint64_t>(state.range(0));
    ScratchDir dir;
    feeds::GroupCommitOptions o;
    o.log.directory = dir.path();
    feeds::GroupCommitLog log(o);
    flatbuffers::FlatBufferBuilder fbb;
    const auto bytes = feeds::encode_event(win_event(1, now_us()), fbb);
    const std::span<const std::byte> record(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
    std::uint64_t last = 0;
    for (auto _ : state) {
        for (std::uint64_t i = 0; i < n; ++i) {
            feeds::SubmitResult r;
            while ((r = log.submit(feeds::ProducerId{0}, feeds::RecordType::feed_event, record)).code ==
                   feeds::LogErrc::ring_full)
                std::this_thread::yield();
            if (r.code != feeds::LogErrc::ok) return state.SkipWithError("log failed");
            last = r.sequence;
        }
        if (!log.wait_durable(feeds::ProducerId{0}, last)) return state.SkipWithError("not durable");
    }
    state.counters["events/s"] =
        benchmark::Counter(static_cast<double>(n * state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

// BIDLINE_STREAM_BENCH_EVENTS sets the stream and log sizes (the HTTP run
// is a tenth of it): ctest sets it small, the default is the 2 M events the
// target is stated for.
int main(int argc, char** argv) {
    const char* env = std::getenv("BIDLINE_STREAM_BENCH_EVENTS");
    const std::int64_t n = env != nullptr ? std::max(10L, std::atol(env)) : 2'000'000;
    benchmark::RegisterBenchmark("BM_StreamIngest", BM_StreamIngest)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1);
    benchmark::RegisterBenchmark("BM_HttpIngest", BM_HttpIngest)
        ->Arg(n / 10)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1);
    benchmark::RegisterBenchmark("BM_LogSubmit", BM_LogSubmit)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
