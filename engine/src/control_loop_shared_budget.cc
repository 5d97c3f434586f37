// The shared-budget half of the control loop (see control_loop.h and
// redis_budget_ledger.h): once per tick, one round trip to the shared ledger
// reports this node's spend today per budgeted campaign and line item and
// acquires the lease it may hold there; grant_leases() then hands the shards
// no more than that lease minus what this node already has outstanding.
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
        std::int64_t spend = 0, outstanding = 0, top = 0;
    };
    std::vector<Totals> campaigns(cat.campaigns().size());
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        Totals& t = campaigns[li.campaign->index.value];
        t.spend += l.spend_today;
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
    shared_scopes_.clear();
    std::vector<SharedBudgetRequest> requests;
    std::vector<std::int64_t*> room;  // where each scope's room goes (filled below)
    std::vector<std::int64_t> outstanding;
    shared_room_campaign_.assign(cat.campaigns().size(), kUncapped);
    shared_room_line_item_.assign(cat.line_item_capacity(), kUncapped);
    for (const CompiledCampaign& c : cat.campaigns()) {
        if (c.model.daily_budget.value() <= 0) continue;
        const Totals& t = campaigns[c.index.value];
        requests.push_back({scope_name("campaign", c.model.id.value, clocks_[c.index.value].date), t.spend,
                            want(c.model.daily_budget.value(), t, c.model.paused), c.model.daily_budget.value()});
        room.push_back(&shared_room_campaign_[c.index.value]);
        outstanding.push_back(t.outstanding);
    }
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present || li.model.daily_budget.value() <= 0) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        const Totals t{l.spend_today, l.granted_total - l.resolved_total, top_charge(li)};
        requests.push_back({scope_name("line_item", li.model.id.value, clocks_[li.campaign->index.value].date), t.spend,
                            want(li.model.daily_budget.value(), t, li.campaign->model.paused),
                            li.model.daily_budget.value()});
        room.push_back(&shared_room_line_item_[li.index.value]);
        outstanding.push_back(t.outstanding);
    }

    auto grants = shared_budget_->sync(requests);
    if (grants && grants->size() != requests.size()) grants.reset();  // never trust a short answer
    if (!grants) {
        // Fail safe: nothing new on shared budgets; the shards keep what they hold.
        static RateLimit limit{1, std::chrono::seconds(10)};
        BIDLINE_WARN_RATE_LIMITED(limit, state_.clock.now(), "shared budget ledger {}: {}; no new budget granted",
                                  shared_budget_->status().ledger, shared_budget_->status().last_error);
    }
    for (std::size_t k = 0; k < requests.size(); ++k) {
        const SharedBudgetRequest& r = requests[k];
        const SharedBudgetGrant g = grants ? (*grants)[k] : SharedBudgetGrant{};
        // Without an answer the room is 0: nothing new, whatever was held.
        *room[k] = grants ? g.lease - outstanding[k] : 0;
        shared_scopes_.push_back({r.scope, r.node_spend, outstanding[k], r.want, g.lease, g.spend, g.other_leases});
    }
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
        .field("last_error", s.last_error);
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
