// Open-loop HTTP/1.1 load for `bidline serve` (perf/overload.sh drives it).
// wrk is closed-loop: it waits for answers before sending more, so it can
// never offer twice what the engine answers. This tool sends request k at
// t0 + k/rate whatever came back, spread round-robin over the connections
// (pipelined: answers are matched to requests in order), and times each
// answer from the request's intended send time (no coordinated omission)
// and from the moment its last byte was handed to the kernel.
// `--rate 0` is closed-loop instead: `--depth` requests in flight per
// connection, which measures the most the engine answers.
//
// Prints one JSON object: offered/sent/answered rates, statuses, shed
// answers by their `Bidline-Shed` reason, and percentiles of the answers
// that were decided (not shed).
//
// Build: c++ -O2 -std=c++20 -pthread perf/overload_load.cc -o overload_load
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;
    int connections = 32;
    double rate = 0;       // requests per second; 0 = closed loop
    int depth = 1;         // closed loop: requests in flight per connection
    double duration = 10;  // seconds measured
    double warmup = 1;     // seconds sent but not measured
    std::string body_file;
};

struct Pending {
    Clock::time_point intended;
    std::uint64_t end_offset;  // stream offset just past this request's last byte
    Clock::time_point written{};
    bool measured;
};

struct Conn {
    int fd = -1;
    std::string out;  // bytes not yet accepted by the kernel
    std::uint64_t written_total = 0, queued_total = 0;
    std::deque<Pending> pending;      // in request order
    std::size_t first_unwritten = 0;  // index into pending of the first request not fully written
    std::string in;
    bool want_out = false;
    bool dead = false;
};

struct Results {
    std::uint64_t sent = 0, answered = 0, status_200 = 0, status_204 = 0, status_other = 0, dropped = 0;
    std::map<std::string, std::uint64_t> shed;
    std::vector<double> decided_ms_intended, decided_ms_written;
};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "overload_load: %s\n", what.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) fail(a + " needs a value");
            return argv[++i];
        };
        if (a == "--host")
            o.host = next();
        else if (a == "--port")
            o.port = std::stoi(next());
        else if (a == "--connections")
            o.connections = std::stoi(next());
        else if (a == "--rate")
            o.rate = std::stod(next());
        else if (a == "--depth")
            o.depth = std::stoi(next());
        else if (a == "--duration")
            o.duration = std::stod(next());
        else if (a == "--warmup")
            o.warmup = std::stod(next());
        else if (a == "--body")
            o.body_file = next();
        else
            fail("unknown argument " + a);
    }
    if (o.body_file.empty()) fail("--body FILE is required");
    return o;
}

int connect_to(const Options& o) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(o.port));
    if (::inet_pton(AF_INET, o.host.c_str(), &a.sin_addr) != 1) fail("bad --host");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        fail(std::string("connect: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

double percentile(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

class Load {
public:
    Load(const Options& o, std::string request) : o_(o), request_(std::move(request)) {
        ep_ = ::epoll_create1(0);
        conns_.resize(static_cast<std::size_t>(o.connections));
        for (std::size_t i = 0; i < conns_.size(); ++i) {
            conns_[i].fd = connect_to(o);
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = i;
            ::epoll_ctl(ep_, EPOLL_CTL_ADD, conns_[i].fd, &ev);
        }
    }

    Results run() {
        const auto t0 = Clock::now();
        measure_from_ = t0 + to_duration(o_.warmup);
        const auto measure_from = measure_from_;
        const auto stop_at = measure_from + to_duration(o_.duration);
        std::uint64_t next_k = 0;
        std::vector<epoll_event> events(conns_.size());
        if (o_.rate <= 0)
            for (Conn& c : conns_)
                for (int d = 0; d < o_.depth; ++d) enqueue(c, t0, t0 >= measure_from);
        for (;;) {
            const auto now = Clock::now();
            const bool sending = now < stop_at;
            if (sending && o_.rate > 0) {
                // Everything due by now goes out, whatever has come back.
                const auto due = static_cast<std::uint64_t>(std::chrono::duration<double>(now - t0).count() * o_.rate);
                for (; next_k < due; ++next_k) {
                    const auto intended = t0 + to_duration(static_cast<double>(next_k) / o_.rate);
                    enqueue(conns_[next_k % conns_.size()], intended, intended >= measure_from);
                }
            }
            for (Conn& c : conns_) flush(c, now);
            bool owed = false;
            for (const Conn& c : conns_) owed = owed || (!c.dead && !c.pending.empty());
            if (!sending && !owed) break;
            if (!sending && now > stop_at + std::chrono::seconds(30)) break;  // unanswered ones count as dropped
            timespec wait{0, 200'000};                                        // 0.2 ms: the schedule's resolution
            const int n = ::epoll_pwait2(ep_, events.data(), static_cast<int>(events.size()), &wait, nullptr);
            const auto t = Clock::now();
            for (int i = 0; i < n; ++i) {
                Conn& c = conns_[events[static_cast<std::size_t>(i)].data.u64];
                if (events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    receive(c, t, t < stop_at);
                if (events[static_cast<std::size_t>(i)].events & EPOLLOUT) flush(c, t);
            }
        }
        for (Conn& c : conns_) {
            r_.dropped += c.pending.size();
            ::close(c.fd);
        }
        return std::move(r_);
    }

private:
    static Clock::duration to_duration(double s) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    }

    void enqueue(Conn& c, Clock::time_point intended, bool measured) {
        if (c.dead) return;
        c.out += request_;
        c.queued_total += request_.size();
        c.pending.push_back({intended, c.queued_total, {}, measured});
        if (measured) ++r_.sent;
    }

    void flush(Conn& c, Clock::time_point now) {
        if (c.dead) return;
        while (!c.out.empty()) {
            const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                c.dead = true;
                return;
            }
            c.out.erase(0, static_cast<std::size_t>(n));
            c.written_total += static_cast<std::uint64_t>(n);
        }
        while (c.first_unwritten < c.pending.size() && c.pending[c.first_unwritten].end_offset <= c.written_total)
            c.pending[c.first_unwritten++].written = now;
        const bool want = !c.out.empty();
        if (want != c.want_out) {
            epoll_event ev{};
            ev.events = EPOLLIN | (want ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
            ev.data.u64 = static_cast<std::uint64_t>(&c - conns_.data());
            ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
            c.want_out = want;
        }
    }

    void receive(Conn& c, Clock::time_point now, bool sending) {
        char buf[64 * 1024];
        for (;;) {
            const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                c.dead = true;
                ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
                return;
            }
            if (n < 0) break;
            c.in.append(buf, static_cast<std::size_t>(n));
        }
        std::size_t pos = 0;
        for (;;) {
            const std::size_t head_end = c.in.find("\r\n\r\n", pos);
            if (head_end == std::string::npos) break;
            const std::string_view head(c.in.data() + pos, head_end - pos);
            std::size_t body = 0;
            if (auto at = head.find("\r\nContent-Length: "); at != std::string_view::npos)
                body = std::strtoul(head.data() + at + 18, nullptr, 10);
            if (c.in.size() < head_end + 4 + body) break;
            const int status = std::atoi(head.data() + 9);
            std::string reason;
            if (auto at = head.find("\r\nBidline-Shed: "); at != std::string_view::npos)
                reason = std::string(head.substr(at + 16, head.find("\r\n", at + 2) - at - 16));
            pos = head_end + 4 + body;
            if (c.pending.empty()) fail("an answer to no request");
            const Pending p = c.pending.front();
            c.pending.pop_front();
            if (c.first_unwritten > 0) --c.first_unwritten;
            if (o_.rate <= 0 && sending) enqueue(c, now, now >= measure_from_);
            if (!p.measured) continue;
            ++r_.answered;
            if (status == 200)
                ++r_.status_200;
            else if (status == 204)
                ++r_.status_204;
            else
                ++r_.status_other;
            if (!reason.empty()) {
                ++r_.shed[reason];
            } else {
                r_.decided_ms_intended.push_back(std::chrono::duration<double, std::milli>(now - p.intended).count());
                r_.decided_ms_written.push_back(std::chrono::duration<double, std::milli>(now - p.written).count());
            }
        }
        c.in.erase(0, pos);
        if (o_.rate <= 0) flush(c, now);
    }

    const Options& o_;
    std::string request_;
    int ep_ = -1;
    Clock::time_point measure_from_{};
    std::vector<Conn> conns_;
    Results r_;
};

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    std::ifstream in(o.body_file, std::ios::binary);
    if (!in) fail("cannot read " + o.body_file);
    const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string request =
        "POST /openrtb2/bid HTTP/1.1\r\nHost: bidder\r\nContent-Type: application/json\r\n"
        "x-openrtb-version: 2.6\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    Load load(o, request);
    Results r = load.run();
    const double secs = o.duration;
    std::uint64_t shed_total = 0;
    for (const auto& [k, v] : r.shed) shed_total += v;
    std::printf(
        "{\"mode\":\"%s\",\"connections\":%d,\"offered_per_s\":%.0f,\"sent_per_s\":%.0f,\"answered_per_s\":%.0f,"
        "\"decided_per_s\":%.0f,\"status_200\":%llu,\"status_204\":%llu,\"status_other\":%llu,\"unanswered\":%llu,"
        "\"shed_per_s\":%.0f,\"shed\":{",
        o.rate > 0 ? "open" : "closed", o.connections, o.rate, static_cast<double>(r.sent) / secs,
        static_cast<double>(r.answered) / secs, static_cast<double>(r.decided_ms_intended.size()) / secs,
        static_cast<unsigned long long>(r.status_200), static_cast<unsigned long long>(r.status_204),
        static_cast<unsigned long long>(r.status_other), static_cast<unsigned long long>(r.dropped),
        static_cast<double>(shed_total) / secs);
    bool first = true;
    for (const auto& [k, v] : r.shed) {
        std::printf("%s\"%s\":%llu", first ? "" : ",", k.c_str(), static_cast<unsigned long long>(v));
        first = false;
    }
    std::printf(
        "},\"decided_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},"
        "\"decided_ms_from_write\":{\"p50\":%.3f,\"p99\":%.3f}}\n",
        percentile(r.decided_ms_intended, 0.50), percentile(r.decided_ms_intended, 0.99),
        percentile(r.decided_ms_intended, 0.999), percentile(r.decided_ms_intended, 1.0),
        percentile(r.decided_ms_written, 0.50), percentile(r.decided_ms_written, 0.99));
    return r.status_other == 0 && r.dropped == 0 ? 0 : 1;
}
