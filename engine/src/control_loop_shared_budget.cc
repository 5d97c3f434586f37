// The shared-budget half of the control loop (see control_loop.h and
// redis_budget_ledger.h): once per tick, one round trip to the shared ledger
// reports this node's spend today per budgeted campaign and line item and
// acquires the lease it may hold there; grant_leases() then hands the shards
// no more than that lease minus what this node already has outstanding.
// The shards stop spending on those budgets when the lease may have expired
// (ControlState::shared_lease_until_us), and a lease that comes back smaller
// than what is out takes back the shards' unused slices.
// Control thread only.
#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "bidline/engine/control_loop.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/rate_limited_log.h"
#include "bidline/engine/redis_budget_ledger.h"

namespace bidline {
namespace {

constexpr std::int64_t kUncapped = std::int64_t{1} << 60;

std::string scope_name(std::string_view kind, std::string_view id, const Date& day) {
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                  static_cast<unsigned>(day.day()));
    std::string s(kind);
    s += ':';
    s += id;
    s += ':';
    s += date;
    return s;
}

// The largest bid charge of a line item (as grant_leases() sizes its slices).
std::int64_t top_charge(const CompiledLineItem& li) {
    std::int64_t top_cpm = std::max(li.model.bid.cpm.value(), li.model.bid.max_cpm.value());
    if (top_cpm == 0) top_cpm = 20'000'000;
    return top_cpm / 1000;
}

}  // namespace

void ControlLoop::sync_shared_budget() {
    if (shared_budget_ == nullptr) return;
    const Catalog& cat = *catalog_;
    struct Totals {
        std::int64_t today = 0, ever = 0, outstanding = 0, top = 0;
    };
    std::vector<Totals> campaigns(cat.campaigns().size());
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        Totals& t = campaigns[li.campaign->index.value];
        t.today += l.spend_today;
        t.ever += l.spend_total;
        t.outstanding += l.granted_total - l.resolved_total;  // unused shard leases and bids in flight
        t.top = std::max(t.top, top_charge(li));
    }
    // A node asks for a fixed slice of the budget (at least two of its
    // largest bids), more only to cover what it already has outstanding; a
    // paused campaign asks for no more than that.
    const double share = shared_budget_->max_lease_share();
    auto want = [&](std::int64_t budget, const Totals& t, bool paused) {
        const auto slice = std::max(static_cast<std::int64_t>(share * static_cast<double>(budget)), 2 * t.top);
        return paused ? t.outstanding : std::max(t.outstanding, slice);
    };
    // What a scope covers: a campaign's line items, or one line item.
    struct Target {
        bool campaign;
        std::uint32_t index;
    };
    std::vector<SharedBudgetRequest> requests;
    std::vector<Target> targets;
    std::vector<std::int64_t> outstanding;
    shared_line_items_ = LineItemSet(cat.line_item_capacity());
    auto add = [&](std::string scope, bool lifetime, const Totals& t, std::int64_t budget, bool paused, Target target) {
        requests.push_back({std::move(scope), lifetime ? t.ever : t.today, want(budget, t, paused), budget, lifetime});
        targets.push_back(target);
        outstanding.push_back(t.outstanding);
    };
    for (const CompiledCampaign& c : cat.campaigns()) {
        const Totals& t = campaigns[c.index.value];
        const std::string& id = c.model.id.value;
        if (c.model.daily_budget.value() > 0)
            add(scope_name("campaign", id, clocks_[c.index.value].date), false, t, c.model.daily_budget.value(),
                c.model.paused, {true, c.index.value});
        if (c.model.lifetime_budget.value() > 0)
            add("campaign:" + id + ":lifetime", true, t, c.model.lifetime_budget.value(), c.model.paused,
                {true, c.index.value});
    }
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        const Totals t{l.spend_today, l.spend_total, l.granted_total - l.resolved_total, top_charge(li)};
        const bool paused = li.campaign->model.paused;
        if (li.model.daily_budget.value() > 0)
            add(scope_name("line_item", li.model.id.value, clocks_[li.campaign->index.value].date), false, t,
                li.model.daily_budget.value(), paused, {false, li.index.value});
        if (li.model.lifetime_budget.value() > 0)
            add("line_item:" + li.model.id.value + ":lifetime", true, t, li.model.lifetime_budget.value(), paused,
                {false, li.index.value});
        const CompiledCampaign& c = *li.campaign;
        if (c.model.daily_budget.value() > 0 || c.model.lifetime_budget.value() > 0 ||
            li.model.daily_budget.value() > 0 || li.model.lifetime_budget.value() > 0)
            shared_line_items_.set(li.index.value);
    }

    // The lease lives in Redis for its ttl from when the scripts ran, which
    // is after this moment: the shards may spend until a fifth of the ttl
    // before that, which leaves room for a bid between gate and commit and
    // for clocks that tick a little apart.
    const std::int64_t sent_us = state_.clock.now().time_since_epoch().count();
    if (sent_us >= shared_lease_until_us_ && shared_lease_until_us_ > 0) ++shared_lease_lapses_;
    auto grants = shared_budget_->sync(requests);
    if (grants && grants->size() != requests.size()) grants.reset();  // never trust a short answer
    if (grants) {
        const auto ttl_us = std::chrono::duration_cast<std::chrono::microseconds>(shared_budget_->lease_ttl()).count();
        shared_lease_until_us_ = sent_us + ttl_us - ttl_us / 5;
    } else {
        // Fail safe: nothing new on shared budgets; the shards keep what they
        // hold until the lease's deadline, which this tick did not extend.
        static RateLimit limit{1, std::chrono::seconds(10)};
        BIDLINE_WARN_RATE_LIMITED(limit, state_.clock.now(), "shared budget ledger {}: {}; no new budget granted",
                                  shared_budget_->status().ledger, shared_budget_->status().last_error);
    }
    shared_scopes_.clear();
    shared_room_campaign_.assign(cat.campaigns().size(), kUncapped);
    shared_room_line_item_.assign(cat.line_item_capacity(), kUncapped);
    for (std::size_t k = 0; k < requests.size(); ++k) {
        const SharedBudgetRequest& r = requests[k];
        const SharedBudgetGrant g = grants ? (*grants)[k] : SharedBudgetGrant{};
        // A lease smaller than what this node has out (its lease lapsed and
        // others took the room, or the budget shrank): take back the shards'
        // unused slices; only bids already in flight stay out.
        if (grants && g.lease < outstanding[k]) {
            const Target& t = targets[k];
            std::int64_t taken = 0;
            if (t.campaign) {
                for (const CompiledLineItem& li : cat.line_items())
                    if (li.present && li.campaign->index.value == t.index) taken += revoke_unused_leases(li.index.value);
            } else {
                taken = revoke_unused_leases(t.index);
            }
            outstanding[k] -= taken;
            shared_revoked_micros_ += taken;
        }
        // Without an answer the room is 0: nothing new, whatever was held.
        std::int64_t& room = targets[k].campaign ? shared_room_campaign_[targets[k].index]
                                                 : shared_room_line_item_[targets[k].index];
        room = std::min(room, grants ? g.lease - outstanding[k] : 0);
        shared_scopes_.push_back({r.scope, r.node_spend, outstanding[k], r.want, g.lease, g.spend, g.other_leases});
    }
}

// Sets each shard's grant back to what it has charged. A shard that passed
// the lease gate just before may still commit that one bid: charged then
// exceeds granted by it, and the gate refuses everything after.
std::int64_t ControlLoop::revoke_unused_leases(std::uint32_t line_item) {
    std::int64_t taken = 0;
    for (auto& shard : state_.shards) {
        LineItemShardState& s = shard->line_items[line_item];
        const std::int64_t granted = s.granted_micros.load(std::memory_order_relaxed);
        const std::int64_t charged = s.charged_micros.load(std::memory_order_relaxed);
        if (granted <= charged) continue;
        s.granted_micros.store(charged, std::memory_order_relaxed);
        taken += granted - charged;
    }
    ledger_[line_item].granted_total -= taken;
    return taken;
}

void ControlLoop::write_shared_budget(JsonWriter& j) const {
    if (shared_budget_ == nullptr) return;
    const SharedBudgetStatus& s = shared_budget_->status();
    j.key("shared_budget")
        .begin_object()
        .field("ledger", s.ledger)
        .field("node", s.node)
        .field("healthy", s.healthy)
        .field("syncs", s.syncs)
        .field("failures", s.failures)
        .field("last_error", s.last_error)
        .field("lease_valid_until_us", shared_lease_until_us_)
        .field("lease_lapses", shared_lease_lapses_)
        .field("revoked_micros", shared_revoked_micros_);
    j.key("scopes").begin_array();
    for (const SharedScope& sc : shared_scopes_)
        j.begin_object()
            .field("scope", sc.name)
            .field("node_spend_micros", sc.node_spend)
            .field("outstanding_micros", sc.outstanding)
            .field("want_micros", sc.want)
            .field("lease_micros", sc.lease)
            .field("spend_all_nodes_micros", sc.spend_all)
            .field("other_leases_micros", sc.other_leases)
            .end_object();
    j.end_array();
    j.end_object();
}

}  // namespace bidline
