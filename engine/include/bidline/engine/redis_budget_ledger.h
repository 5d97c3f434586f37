// A budget shared by several engine processes (DESIGN.md, budget safety;
// engine/README.md, "Budget across several machines"). Each process ("node")
// keeps its own ledger and grants its shards leases as before, but only out
// of a lease it holds in a shared ledger: per budget scope (a campaign's or a
// line item's daily budget) and local budget day, the shared ledger knows
// the spend every node reported and the live lease of every node, and grants
// a node at most budget - spend - (other nodes' live leases). Leases expire
// after a ttl unless refreshed, so a node that dies stops blocking budget;
// what it may have spent meanwhile is bounded by its lease.
//
// SharedBudgetLedger is the interface the control loop talks to (tests
// substitute it); RedisBudgetLedger implements it with two atomic Lua
// scripts on one Redis key per scope and day, one pipelined round trip per
// control tick. Expiry runs on the Redis server's clock (TIME inside the
// scripts), so the nodes' clocks do not matter.
//
// Threads: a ledger belongs to the control thread (sync() blocks for one
// round trip, bounded by the command timeout); never called from a shard.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

class CliArgs;
class Clock;
class RedisConnection;
struct Config;

// What a node tells the shared ledger about one scope in one tick.
struct SharedBudgetRequest {
    // e.g. "campaign:cmp:2026-11-23" for a daily budget (the scope's local
    // day), "campaign:cmp:lifetime" for a lifetime budget.
    std::string scope;
    std::int64_t node_spend = 0;  // this node's spend in the scope (today or ever), cumulative (micros)
    std::int64_t want = 0;        // the lease this node would like to hold from now on (micros)
    std::int64_t budget = 0;      // the scope's budget (micros)
    bool lifetime = false;        // a lifetime scope's key lives on after the day (key_ttl_lifetime)
};

// What the shared ledger answered.
struct SharedBudgetGrant {
    std::int64_t lease = 0;         // what this node may have outstanding from now on: ≤ want
    std::int64_t spend = 0;         // every node's reported spend today (micros)
    std::int64_t other_leases = 0;  // the other nodes' live leases (micros)
};

struct SharedBudgetStatus {
    std::string ledger;  // e.g. "redis://127.0.0.1:6379/bidline"
    std::string node;
    bool healthy = false;        // the last sync succeeded
    std::uint64_t syncs = 0;     // successful round trips
    std::uint64_t failures = 0;  // failed syncs (unreachable, timeout, error reply)
    std::string last_error;      // empty if none yet
};

class SharedBudgetLedger {
public:
    virtual ~SharedBudgetLedger() = default;
    // Reports each scope's spend, then acquires its lease: one round trip.
    // On failure returns nullopt, and the node must grant nothing new.
    [[nodiscard]] virtual std::optional<std::vector<SharedBudgetGrant>> sync(
        std::span<const SharedBudgetRequest> requests) = 0;
    // The largest lease a node asks for per scope, as a share of the scope's
    // daily budget: with N nodes, N × this bounds the overspend if all die.
    [[nodiscard]] virtual double max_lease_share() const = 0;
    // How long a granted lease lives in the shared ledger unless renewed.
    [[nodiscard]] virtual std::chrono::milliseconds lease_ttl() const = 0;
    [[nodiscard]] virtual const SharedBudgetStatus& status() const = 0;
};

struct RedisBudgetLedgerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string prefix = "bidline";  // keys are PREFIX:budget:SCOPE
    std::string node;                // this process's name, unique among the nodes sharing the budget
    std::chrono::milliseconds lease_ttl{5000};
    double max_lease_share = 0.0025;  // 0.25 % of the daily budget per node and scope
    std::chrono::hours key_ttl{72};   // a day's key outlives its day by a few days, for inspection
    // A lifetime budget's key must outlive the flight; refreshed at every
    // sync, it only lapses when no node has bid on the scope for this long.
    std::chrono::hours key_ttl_lifetime{24 * 400};
    // A tick must not hang on Redis: short timeouts, and after a failure the
    // next connection attempt waits this long (ticks meanwhile fail fast).
    std::chrono::milliseconds connect_timeout{200};
    std::chrono::milliseconds command_timeout{500};
    std::chrono::milliseconds reconnect_backoff{1000};
};

// Parses `redis://HOST[:PORT][/PREFIX]`. Throws CliError naming what is wrong.
RedisBudgetLedgerOptions parse_budget_ledger_url(std::string_view url);

class RedisBudgetLedger final : public SharedBudgetLedger {
public:
    // Does not connect yet: the first sync() does (a Redis down at start is
    // a failed sync, not a failed start).
    RedisBudgetLedger(RedisBudgetLedgerOptions options, const Clock& clock);
    ~RedisBudgetLedger() override;
    RedisBudgetLedger(const RedisBudgetLedger&) = delete;
    RedisBudgetLedger& operator=(const RedisBudgetLedger&) = delete;

    [[nodiscard]] std::optional<std::vector<SharedBudgetGrant>> sync(
        std::span<const SharedBudgetRequest> requests) override;
    [[nodiscard]] double max_lease_share() const override { return options_.max_lease_share; }
    [[nodiscard]] std::chrono::milliseconds lease_ttl() const override { return options_.lease_ttl; }
    [[nodiscard]] const SharedBudgetStatus& status() const override { return status_; }
    [[nodiscard]] const RedisBudgetLedgerOptions& options() const { return options_; }

    // The two scripts, one round trip each (sync() pipelines them).
    // report: this node's cumulative spend today in the scope; adds what is
    // new to the scope's spend and shrinks this node's lease by as much.
    // Idempotent: reporting the same figure twice adds nothing. Returns the
    // scope's spend after the report.
    [[nodiscard]] std::optional<std::int64_t> report(std::string_view scope, std::int64_t node_spend);
    // acquire: drops every node's expired lease, then sets this node's lease
    // to min(want, budget - spend - other live leases), never below 0, with
    // a fresh expiry (a lease of 0 is removed).
    [[nodiscard]] std::optional<SharedBudgetGrant> acquire(std::string_view scope, std::int64_t want,
                                                           std::int64_t budget);

    // The Redis key of a scope.
    [[nodiscard]] std::string key(std::string_view scope) const;

private:
    bool ensure_connected();
    // Runs EVALSHA commands (falling back to EVAL for any that met NOSCRIPT);
    // nullopt on a transport failure or an error reply (status_ says why).
    // calls[i] = {"report"|"acquire", key, script arguments...}; one array of integers per call.
    std::optional<std::vector<std::vector<std::int64_t>>> run(std::span<const std::vector<std::string>> calls);
    void failed(std::string error);

    RedisBudgetLedgerOptions options_;
    const Clock& clock_;
    std::unique_ptr<RedisConnection> redis_;
    // The scripts' SHA1s from SCRIPT LOAD, once per connection; cleared
    // when a server no longer knows them (restart, failover: NOSCRIPT).
    std::string sha_report_, sha_acquire_;
    std::int64_t next_connect_us_ = 0;
    SharedBudgetStatus status_;
};

// `serve --budget-ledger URL [--node NAME] [--budget-lease-ttl-ms N]
// [--budget-lease-share F]`: null without --budget-ledger. The node name
// defaults to HOSTNAME:PORT (an error with --port 0: give --node). Throws
// CliError on a bad flag.
std::unique_ptr<RedisBudgetLedger> make_redis_budget_ledger(const CliArgs& args, const Config& config,
                                                            const Clock& clock);

}  // namespace bidline
