#include "redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>

#include "bidline/engine/cli_args.h"

namespace bidline {

RedisUrl parse_redis_url(std::string_view url, const std::string& shown) {
    constexpr std::string_view kScheme = "redis://";
    if (!url.starts_with(kScheme)) throw CliError(shown + ": expected a redis://HOST[:PORT]/... URL");
    url.remove_prefix(kScheme.size());
    const std::size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    const std::string_view rest = slash == std::string_view::npos ? std::string_view{} : url.substr(slash + 1);
    if (authority.find('@') != std::string_view::npos) throw CliError(shown + ": credentials in the URL are not supported");
    RedisUrl out;
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        auto r = std::from_chars(port.data(), port.data() + port.size(), value);
        if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value == 0 || value > 65535)
            throw CliError(shown + ": port must be 1 to 65535");
        out.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (!authority.empty()) out.host = std::string(authority);
    const std::size_t question = rest.find('?');
    out.path = rest.substr(0, question);
    if (question != std::string_view::npos) out.query = rest.substr(question + 1);
    return out;
}

namespace {

timeval to_timeval(std::chrono::milliseconds d) {
    const auto ms = d.count() > 0 ? d.count() : 1;
    return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

}  // namespace

RedisType RedisValue::type() const {
    if (r_ == nullptr) return RedisType::nil;
    switch (r_->type) {
        case REDIS_REPLY_STRING:
            return RedisType::string;
        case REDIS_REPLY_STATUS:
            return RedisType::status;
        case REDIS_REPLY_ERROR:
            return RedisType::error;
        case REDIS_REPLY_INTEGER:
            return RedisType::integer;
        case REDIS_REPLY_ARRAY:
            return RedisType::array;
        default:
            return RedisType::nil;
    }
}

std::string_view RedisValue::text() const {
    const RedisType t = type();
    if (t != RedisType::string && t != RedisType::status && t != RedisType::error) return {};
    return {r_->str, r_->len};
}

long long RedisValue::integer() const { return type() == RedisType::integer ? r_->integer : 0; }

std::size_t RedisValue::size() const { return type() == RedisType::array ? r_->elements : 0; }

RedisValue RedisValue::operator[](std::size_t i) const { return RedisValue(i < size() ? r_->element[i] : nullptr); }

RedisReply::RedisReply(redisReply* r) : r_(r) {}

RedisReply::~RedisReply() {
    if (r_ != nullptr) freeReplyObject(r_);
}

RedisReply& RedisReply::operator=(RedisReply&& other) noexcept {
    if (this != &other) {
        if (r_ != nullptr) freeReplyObject(r_);
        r_ = std::exchange(other.r_, nullptr);
    }
    return *this;
}

RedisConnection::~RedisConnection() { close(); }

void RedisConnection::close() {
    if (ctx_ != nullptr) redisFree(ctx_);
    ctx_ = nullptr;
}

void RedisConnection::fail(std::string_view what) {
    error_ = where_;
    error_ += ": ";
    if (ctx_ != nullptr && ctx_->err != 0 && ctx_->errstr[0] != '\0')
        error_ += ctx_->errstr;
    else
        error_ += what;
    close();
}

bool RedisConnection::connect(const RedisEndpoint& endpoint) {
    close();
    where_ = endpoint.host + ":" + std::to_string(endpoint.port);
    ctx_ = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(endpoint.connect_timeout));
    if (ctx_ == nullptr) {
        error_ = where_ + ": cannot allocate a hiredis context";
        return false;
    }
    if (ctx_->err != 0) {
        fail("connect failed");
        return false;
    }
    if (redisSetTimeout(ctx_, to_timeval(endpoint.command_timeout)) != REDIS_OK) {
        fail("cannot set the command timeout");
        return false;
    }
    return true;
}

bool RedisConnection::append(std::span<const std::string_view> argv) {
    argv_ptrs_.clear();
    argv_lens_.clear();
    for (std::string_view a : argv) {
        argv_ptrs_.push_back(a.data());
        argv_lens_.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv_ptrs_.data(), argv_lens_.data()) != REDIS_OK) {
        fail("cannot queue the command");
        return false;
    }
    return true;
}

std::optional<RedisReply> RedisConnection::read_reply() {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
        fail("connection lost");
        return std::nullopt;
    }
    return RedisReply(static_cast<redisReply*>(raw));
}

std::optional<RedisReply> RedisConnection::command(std::span<const std::string_view> argv) {
    if (ctx_ == nullptr) {
        if (error_.empty()) error_ = "not connected";
        return std::nullopt;
    }
    if (argv.empty()) {
        error_ = "empty command";
        return std::nullopt;
    }
    if (!append(argv)) return std::nullopt;
    return read_reply();
}

std::optional<std::vector<RedisReply>> RedisConnection::pipeline(std::span<const RedisArgv> commands) {
    if (ctx_ == nullptr) {
        if (error_.empty()) error_ = "not connected";
        return std::nullopt;
    }
    for (const RedisArgv& argv : commands) {
        if (argv.empty()) {
            fail("empty command in a pipeline");  // some may be queued already: start afresh
            return std::nullopt;
        }
        if (!append(argv)) return std::nullopt;
    }
    std::vector<RedisReply> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        std::optional<RedisReply> r = read_reply();
        if (!r) return std::nullopt;
        replies.push_back(std::move(*r));
    }
    return replies;
}

}  // namespace bidline
