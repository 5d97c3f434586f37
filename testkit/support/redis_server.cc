#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace bidline::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

timeval to_timeval(std::chrono::milliseconds d) {
    return timeval{static_cast<time_t>(d.count() / 1000), static_cast<suseconds_t>((d.count() % 1000) * 1000)};
}

std::filesystem::path make_redis_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bidline-redis-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw RedisError(std::string("mkdtemp: ") + std::strerror(errno));
    return pattern;
}

std::string redis_server_binary() {
    if (const char* path = std::getenv("PATH")) {
        std::string_view dirs(path);
        while (!dirs.empty()) {
            const std::size_t colon = dirs.find(':');
            const std::filesystem::path candidate = std::filesystem::path(dirs.substr(0, colon)) / "redis-server";
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
            if (colon == std::string_view::npos) break;
            dirs.remove_prefix(colon + 1);
        }
    }
    return "/usr/bin/redis-server";
}

bool answers_ping(const std::string& host, std::uint16_t port) {
    redisContext* c = redisConnectWithTimeout(host.c_str(), port, to_timeval(std::chrono::milliseconds(200)));
    if (c == nullptr) return false;
    bool ok = false;
    if (c->err == 0 && redisSetTimeout(c, to_timeval(std::chrono::milliseconds(500))) == REDIS_OK) {
        auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
        ok = r != nullptr && r->type == REDIS_REPLY_STATUS && std::string_view(r->str, r->len) == "PONG";
        if (r != nullptr) freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

}  // namespace

std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw RedisError(std::string("socket: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        const int e = errno;
        ::close(fd);
        throw RedisError(std::string("bind 127.0.0.1:0: ") + std::strerror(e));
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

RedisServer::RedisServer() : RedisServer(free_loopback_port()) {}

RedisServer::RedisServer(std::uint16_t port) : port_(port), dir_(make_redis_dir()) {
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

RedisServer::~RedisServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::url(std::string_view path) const {
    return "redis://" + host_ + ":" + std::to_string(port_) + "/" + std::string(path);
}

std::string RedisServer::log() const {
    std::ifstream in(dir_ / "redis.log", std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void RedisServer::start() {
    if (pid_ > 0) return;
    // Prepared before fork(): the child only calls async-signal-safe functions.
    std::vector<std::string> args = {redis_server_binary(),
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     host_,
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir_.string(),
                                     "--daemonize",
                                     "no"};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int out = ::open((dir_ / "redis.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) throw RedisError(std::string("open redis.log: ") + std::strerror(errno));
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test runner leaves no server behind
        if (::getppid() != parent) ::_exit(126);
        ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        constexpr char kMsg[] = "RedisServer: execv redis-server failed\n";
        [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(out);
    ::close(in);
    if (pid_ < 0) throw RedisError(std::string("fork: ") + std::strerror(fork_errno));

    const auto deadline = SteadyClock::now() + kStartTimeout;
    for (;;) {
        if (answers_ping(host_, port_)) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw RedisError("redis-server on port " + std::to_string(port_) + " exited at start:\n" + log());
        }
        if (SteadyClock::now() > deadline) {
            stop();
            throw RedisError("redis-server on port " + std::to_string(port_) + " did not answer PING within " +
                             std::to_string(kStartTimeout.count()) + " s:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void RedisServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = SteadyClock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (SteadyClock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
}

std::optional<std::string> StreamEntry::field(std::string_view name) const {
    for (const auto& [k, v] : fields)
        if (k == name) return v;
    return std::nullopt;
}

void RedisClient::ReplyDeleter::operator()(void* reply) const { freeReplyObject(reply); }

RedisClient::RedisClient(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout)
    : where_(host + ":" + std::to_string(port)) {
    ctx_ = redisConnectWithTimeout(host.c_str(), port, to_timeval(timeout));
    if (ctx_ == nullptr || ctx_->err != 0 || redisSetTimeout(ctx_, to_timeval(timeout)) != REDIS_OK) {
        const std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
        if (ctx_ != nullptr) redisFree(ctx_);
        ctx_ = nullptr;
        throw RedisError("connect " + where_ + ": " + why);
    }
}

RedisClient::~RedisClient() {
    if (ctx_ != nullptr) redisFree(ctx_);
}

RedisClient::Reply RedisClient::run(const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    Reply r(redisCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data()));
    if (!r) throw RedisError(where_ + " " + argv.at(0) + ": " + ctx_->errstr);
    const auto* reply = static_cast<const redisReply*>(r.get());
    if (reply->type == REDIS_REPLY_ERROR)
        throw RedisError(where_ + " " + argv.at(0) + ": " + std::string(reply->str, reply->len));
    return r;
}

std::string RedisClient::command(const std::vector<std::string>& argv) {
    Reply r = run(argv);
    const auto* reply = static_cast<const redisReply*>(r.get());
    switch (reply->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            return std::string(reply->str, reply->len);
        case REDIS_REPLY_INTEGER:
            return std::to_string(reply->integer);
        case REDIS_REPLY_NIL:
            return {};
        default:
            throw RedisError(argv.at(0) + ": the reply is an array; use a typed helper");
    }
}

std::string RedisClient::xadd(const std::string& key, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<std::string> argv = {"XADD", key, "*"};
    for (const auto& [k, v] : fields) {
        argv.push_back(k);
        argv.push_back(v);
    }
    return command(argv);
}

long long RedisClient::xlen(const std::string& key) { return std::stoll(command({"XLEN", key})); }

long long RedisClient::xpending(const std::string& key, const std::string& group) {
    try {
        Reply r = run({"XPENDING", key, group});
        const auto* reply = static_cast<const redisReply*>(r.get());
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 || reply->element[0]->type != REDIS_REPLY_INTEGER)
            throw RedisError("XPENDING " + key + " " + group + ": unexpected reply");
        return reply->element[0]->integer;
    } catch (const RedisError& e) {
        if (std::string_view(e.what()).find("NOGROUP") != std::string_view::npos) return 0;
        throw;
    }
}

std::vector<StreamEntry> RedisClient::xrange(const std::string& key) {
    Reply r = run({"XRANGE", key, "-", "+"});
    const auto* reply = static_cast<const redisReply*>(r.get());
    std::vector<StreamEntry> out;
    for (std::size_t i = 0; i < reply->elements; ++i) {
        const redisReply* entry = reply->element[i];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) continue;
        StreamEntry e;
        e.id.assign(entry->element[0]->str, entry->element[0]->len);
        const redisReply* fields = entry->element[1];
        for (std::size_t f = 0; fields->type == REDIS_REPLY_ARRAY && f + 1 < fields->elements; f += 2)
            e.fields.emplace_back(std::string(fields->element[f]->str, fields->element[f]->len),
                                  std::string(fields->element[f + 1]->str, fields->element[f + 1]->len));
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace bidline::test
