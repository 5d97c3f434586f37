#include "bidline/engine/redis_budget_ledger.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <unistd.h>

#include "bidline/config/config.h"
#include "bidline/engine/cli_args.h"
#include "bidline/engine/clock.h"
#include "redis_connection.h"

namespace bidline {
namespace {

// One hash per scope and day. Fields: `spend` (all nodes), `spend:NODE`
// (what NODE reported, cumulative), `lease:NODE` and `expiry:NODE` (Redis
// time, ms). Lua numbers are doubles: exact for micros up to 2^53 ($9e9).
constexpr std::string_view kReportScript = R"lua(
local key, node = KEYS[1], ARGV[1]
local reported = tonumber(ARGV[2])
local before = tonumber(redis.call('HGET', key, 'spend:' .. node) or '0')
local delta = reported - before
if delta > 0 then
  redis.call('HSET', key, 'spend:' .. node, string.format('%d', reported))
  redis.call('HINCRBY', key, 'spend', string.format('%d', delta))
  local lease = tonumber(redis.call('HGET', key, 'lease:' .. node) or '0')
  if lease > delta then
    redis.call('HSET', key, 'lease:' .. node, string.format('%d', lease - delta))
  elseif lease > 0 then
    redis.call('HDEL', key, 'lease:' .. node, 'expiry:' .. node)
  end
else
  delta = 0
end
redis.call('PEXPIRE', key, ARGV[3])
return {tonumber(redis.call('HGET', key, 'spend') or '0'), delta}
)lua";

// TIME inside a script that writes: allowed since Redis 5 (scripts replicate
// their effects), the only mode of Redis 7.
constexpr std::string_view kAcquireScript = R"lua(
local key, node = KEYS[1], ARGV[1]
local want, budget, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fields = redis.call('HGETALL', key)
local spend, leases, expiries = 0, {}, {}
for i = 1, #fields, 2 do
  local f, v = fields[i], fields[i + 1]
  if f == 'spend' then spend = tonumber(v)
  elseif string.sub(f, 1, 6) == 'lease:' then leases[string.sub(f, 7)] = tonumber(v)
  elseif string.sub(f, 1, 7) == 'expiry:' then expiries[string.sub(f, 8)] = tonumber(v) end
end
local others = 0
for n, amount in pairs(leases) do
  if (expiries[n] or 0) <= now then
    redis.call('HDEL', key, 'lease:' .. n, 'expiry:' .. n)
  elseif n ~= node then
    others = others + amount
  end
end
local grant = math.min(want, budget - spend - others)
if grant > 0 then
  redis.call('HSET', key, 'lease:' .. node, string.format('%d', grant), 'expiry:' .. node, string.format('%d', now + ttl))
else
  grant = 0
  redis.call('HDEL', key, 'lease:' .. node, 'expiry:' .. node)
end
redis.call('PEXPIRE', key, ARGV[5])
return {grant, spend, others}
)lua";

enum class Script { report, acquire };

std::int64_t now_us(const Clock& clock) { return clock.now().time_since_epoch().count(); }

}  // namespace

RedisBudgetLedgerOptions parse_budget_ledger_url(std::string_view url) {
    const std::string shown = "--budget-ledger " + std::string(url);
    const RedisUrl parsed = parse_redis_url(url, shown);
    if (!parsed.query.empty() || parsed.path.find_first_of("# ") != std::string_view::npos)
        throw CliError(shown + ": the prefix must be a plain key prefix (redis://HOST[:PORT][/PREFIX])");
    RedisBudgetLedgerOptions o;
    o.host = parsed.host;
    o.port = parsed.port;
    if (!parsed.path.empty()) o.prefix = std::string(parsed.path);
    return o;
}

RedisBudgetLedger::RedisBudgetLedger(RedisBudgetLedgerOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), redis_(std::make_unique<RedisConnection>()) {
    status_.ledger = "redis://" + options_.host + ":" + std::to_string(options_.port) + "/" + options_.prefix;
    status_.node = options_.node;
}

RedisBudgetLedger::~RedisBudgetLedger() = default;

std::string RedisBudgetLedger::key(std::string_view scope) const {
    std::string k = options_.prefix;
    k += ":budget:";
    k += scope;
    return k;
}

void RedisBudgetLedger::failed(std::string error) {
    status_.healthy = false;
    ++status_.failures;
    status_.last_error = std::move(error);
    if (!redis_->connected())
        next_connect_us_ = now_us(clock_) + std::chrono::microseconds(options_.reconnect_backoff).count();
}

bool RedisBudgetLedger::ensure_connected() {
    if (redis_->connected()) return true;
    if (now_us(clock_) < next_connect_us_) {  // within the backoff: fail fast, keep the cause
        status_.healthy = false;
        ++status_.failures;
        return false;
    }
    RedisEndpoint e;
    e.host = options_.host;
    e.port = options_.port;
    e.connect_timeout = options_.connect_timeout;
    e.command_timeout = options_.command_timeout;
    if (!redis_->connect(e)) {
        failed(redis_->error());
        return false;
    }
    sha_report_.clear();  // perhaps another server: load the scripts again
    return true;
}

std::optional<std::vector<std::vector<std::int64_t>>> RedisBudgetLedger::run(
    std::span<const std::vector<std::string>> calls) {
    // calls[i] = {"report"|"acquire", key, args...}.
    if (!ensure_connected()) return std::nullopt;
    if (sha_report_.empty()) {
        const std::vector<RedisArgv> load{{"SCRIPT", "LOAD", kReportScript}, {"SCRIPT", "LOAD", kAcquireScript}};
        auto replies = redis_->pipeline(load);
        if (!replies) {
            failed(redis_->error());
            return std::nullopt;
        }
        for (const RedisReply& r : *replies)
            if (r.type() != RedisType::string) {
                failed("SCRIPT LOAD: " + std::string(r.text()));
                return std::nullopt;
            }
        sha_report_ = std::string((*replies)[0].text());
        sha_acquire_ = std::string((*replies)[1].text());
    }
    auto argv_of = [&](const std::vector<std::string>& call, bool by_sha) {
        RedisArgv argv;
        const bool report = call[0] == "report";
        argv.push_back(by_sha ? "EVALSHA" : "EVAL");
        argv.push_back(by_sha ? std::string_view(report ? sha_report_ : sha_acquire_)
                              : (report ? kReportScript : kAcquireScript));
        argv.push_back("1");
        for (std::size_t i = 1; i < call.size(); ++i) argv.push_back(call[i]);
        return argv;
    };
    std::vector<RedisArgv> commands;
    commands.reserve(calls.size());
    for (const auto& call : calls) commands.push_back(argv_of(call, true));
    auto replies = redis_->pipeline(commands);
    if (!replies) {
        sha_report_.clear();
        failed(redis_->error());
        return std::nullopt;
    }
    // A server that lost its script cache (restart, SCRIPT FLUSH, failover)
    // ran none of those calls: send them again, in order, as EVAL.
    std::vector<std::size_t> again;
    for (std::size_t i = 0; i < replies->size(); ++i)
        if ((*replies)[i].is_error() && (*replies)[i].text().starts_with("NOSCRIPT")) again.push_back(i);
    if (!again.empty()) {
        sha_report_.clear();  // reload next time
        std::vector<RedisArgv> retry;
        for (std::size_t i : again) retry.push_back(argv_of(calls[i], false));
        auto second = redis_->pipeline(retry);
        if (!second) {
            failed(redis_->error());
            return std::nullopt;
        }
        for (std::size_t k = 0; k < again.size(); ++k) (*replies)[again[k]] = std::move((*second)[k]);
    }
    std::vector<std::vector<std::int64_t>> out(replies->size());
    for (std::size_t i = 0; i < replies->size(); ++i) {
        const RedisValue v = (*replies)[i].value();
        if (!v.is_array()) {
            failed("budget script on " + calls[i][1] + ": " +
                   std::string(v.is_error() ? v.text() : "unexpected reply"));
            return std::nullopt;
        }
        for (std::size_t k = 0; k < v.size(); ++k) out[i].push_back(v[k].integer());
    }
    return out;
}

std::optional<std::vector<SharedBudgetGrant>> RedisBudgetLedger::sync(std::span<const SharedBudgetRequest> requests) {
    const std::string lease_ttl = std::to_string(options_.lease_ttl.count());
    const std::string day_key_ttl = std::to_string(std::chrono::milliseconds(options_.key_ttl).count());
    const std::string lifetime_key_ttl = std::to_string(std::chrono::milliseconds(options_.key_ttl_lifetime).count());
    std::vector<std::vector<std::string>> calls;
    calls.reserve(2 * requests.size());
    for (const SharedBudgetRequest& r : requests) {
        const std::string k = key(r.scope);
        const std::string& key_ttl = r.lifetime ? lifetime_key_ttl : day_key_ttl;
        calls.push_back({"report", k, options_.node, std::to_string(r.node_spend), key_ttl});
        calls.push_back({"acquire", k, options_.node, std::to_string(std::max<std::int64_t>(0, r.want)),
                         std::to_string(r.budget), lease_ttl, key_ttl});
    }
    std::vector<SharedBudgetGrant> grants;
    if (calls.empty()) return grants;
    auto replies = run(calls);
    if (!replies) return std::nullopt;
    grants.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& a = (*replies)[2 * i + 1];
        grants.push_back(SharedBudgetGrant{a.size() > 0 ? a[0] : 0, a.size() > 1 ? a[1] : 0, a.size() > 2 ? a[2] : 0});
    }
    ++status_.syncs;
    status_.healthy = true;
    return grants;
}

std::optional<std::int64_t> RedisBudgetLedger::report(std::string_view scope, std::int64_t node_spend) {
    const std::vector<std::vector<std::string>> calls{
        {"report", key(scope), options_.node, std::to_string(node_spend),
         std::to_string(std::chrono::milliseconds(options_.key_ttl).count())}};
    auto replies = run(calls);
    if (!replies || (*replies)[0].empty()) return std::nullopt;
    return (*replies)[0][0];
}

std::optional<SharedBudgetGrant> RedisBudgetLedger::acquire(std::string_view scope, std::int64_t want,
                                                            std::int64_t budget) {
    const std::vector<std::vector<std::string>> calls{
        {"acquire", key(scope), options_.node, std::to_string(std::max<std::int64_t>(0, want)), std::to_string(budget),
         std::to_string(options_.lease_ttl.count()),
         std::to_string(std::chrono::milliseconds(options_.key_ttl).count())}};
    auto replies = run(calls);
    if (!replies || (*replies)[0].size() < 3) return std::nullopt;
    return SharedBudgetGrant{(*replies)[0][0], (*replies)[0][1], (*replies)[0][2]};
}

std::unique_ptr<RedisBudgetLedger> make_redis_budget_ledger(const CliArgs& args, const Config& config,
                                                            const Clock& clock) {
    const auto url = args.get("budget-ledger");
    if (!url) {
        for (const char* flag : {"node", "budget-lease-ttl-ms", "budget-lease-share"})
            if (args.has(flag)) throw CliError(std::string("--") + flag + " needs --budget-ledger");
        return nullptr;
    }
    RedisBudgetLedgerOptions o = parse_budget_ledger_url(*url);
    if (auto node = args.get("node")) {
        o.node = *node;
    } else {
        // The name must be stable across restarts: a restarted node reports
        // its recovered spend under the same name, so it counts once.
        if (config.engine.listen_port == 0) throw CliError("--budget-ledger with --port 0 needs --node NAME");
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) != 0)
            throw CliError("--budget-ledger: gethostname failed; give --node NAME");
        o.node = std::string(host) + ":" + std::to_string(config.engine.listen_port);
    }
    if (o.node.empty()) throw CliError("--node: expected a non-empty name");
    if (args.has("budget-lease-ttl-ms"))
        o.lease_ttl = std::chrono::milliseconds(args.integer("budget-lease-ttl-ms", 5000, 100, 3'600'000));
    if (args.has("budget-lease-share")) {
        o.max_lease_share = args.number("budget-lease-share", o.max_lease_share);
        if (!(o.max_lease_share > 0.0 && o.max_lease_share <= 1.0))
            throw CliError("--budget-lease-share: expected a share in (0, 1]");
    }
    return std::make_unique<RedisBudgetLedger>(std::move(o), clock);
}

}  // namespace bidline
