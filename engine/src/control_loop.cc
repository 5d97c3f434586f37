#include "bidline/engine/control_loop.h"

#include <algorithm>
#include <cstdio>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/metrics_exposition.h"

namespace bidline {
namespace {

constexpr std::int64_t kUsPerDay = 86'400'000'000;

std::int64_t day_of(std::int64_t us) { return us >= 0 ? us / kUsPerDay : (us - kUsPerDay + 1) / kUsPerDay; }

std::uint64_t percentile_ns(const std::array<std::uint64_t, LatencyHistogram::kBuckets>& h, double p) {
    std::uint64_t total = 0;
    for (auto c : h) total += c;
    if (total == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
        seen += h[b];
        if (seen >= rank) return std::uint64_t{2} << b;  // upper edge of the bucket: never understates
    }
    return std::uint64_t{1} << 32;
}

}  // namespace

ControlLoop::ControlLoop(EngineState& state) : state_(state) {
    catalog_ = state_.catalog.load();
    ledger_.resize(kMaxLineItems);
    started_us_ = state_.clock.now().time_since_epoch().count();
    day_ = day_of(started_us_);
    if (state_.online_learning.enabled) online_ = std::make_unique<OnlineLearning>(state_.online_learning, std::filesystem::path{});
    alerts_.set_keep_resolved(state_.alerts.keep_resolved);
    alert_interval = std::chrono::milliseconds(state_.alerts.evaluate_every_ms);
    if (!state_.alerts.webhook.empty())
        if (auto url = parse_http_url(state_.alerts.webhook)) webhook_ = std::make_unique<AlertWebhook>(std::move(*url), state_.alerts);
}

void ControlLoop::set_online_state_dir(const std::filesystem::path& dir) {
    if (state_.online_learning.enabled) online_ = std::make_unique<OnlineLearning>(state_.online_learning, dir);
}

ControlLoop::~ControlLoop() { stop(); }

void ControlLoop::start() {
    running_ = true;
    tick();  // leases and live set before the first request
    thread_ = std::thread([this] {
        // Between ticks the shards' rings are drained every few ms, so feeds
        // at millions of events/s never find them full; pacing, leases and
        // stats run once per tick.
        constexpr auto kDrainEvery = std::chrono::milliseconds(5);
        auto next_tick = std::chrono::steady_clock::now() + state_.settings.control_tick;
        while (running_.load(std::memory_order_relaxed)) {
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kDrainEvery, state_.settings.control_tick));
            // A new catalog (an admin change, a reload, an optimizer step)
            // is ticked at once: a pause must not wait for the next tick
            // while the shards keep the old live set.
            const bool new_catalog = state_.catalog.version() != catalog_seen_;
            const bool due = std::chrono::steady_clock::now() >= next_tick;
            if (!due && !new_catalog) {
                drain(state_.clock.now().time_since_epoch().count());
                continue;
            }
            tick();
            if (!due) continue;
            next_tick += state_.settings.control_tick;
            if (const auto now = std::chrono::steady_clock::now(); next_tick < now) next_tick = now + state_.settings.control_tick;
        }
    });
}

void ControlLoop::stop() {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
    tick();
    if (online_) online_->save();
    save_pacing_state(state_.clock.now().time_since_epoch().count());
}

void ControlLoop::tick() {
    const std::int64_t now = state_.clock.now().time_since_epoch().count();
    catalog_seen_ = state_.catalog.version();  // before the load: a publish in between is ticked again
    catalog_ = state_.catalog.load();
    roll_day(now);
    drain(now);
    expire(now);
    observe_traffic(now);
    run_pacing(now);
    // Platform-managed campaigns (control_loop_adjustments.cc). What went
    // out is saved at once, so a restart does not send it again; connectors
    // see it only once saved, so a crash cannot take back what they read.
    adjustments_.hold();
    if (run_adjustments(now) || now - pacing_saved_us_ >= kPacingSaveEveryUs) save_pacing_state(now);
    adjustments_.release();
    sync_shared_budget();
    grant_leases();
    refit_shading(now);  // control_loop_shading.cc
    if (online_) online_->tick(now);
    if (catalog_->version() != creatives_catalog_) {
        creatives_.sync(*catalog_);
        creatives_catalog_ = catalog_->version();
    }
    creatives_.tick(now);
    // The line item × site history changes slowly: a fresh table a few
    // times a minute keeps the features current without copying it each tick.
    if (!site_table_ || now - site_table_us_ >= kSiteStatsEveryUs) {
        site_table_ = site_stats_.publish();
        site_table_us_ = now;
    }
    publish_control(now);
    model_monitor_.tick(state_);
    if (publish_observability) {
        for (const CompiledLineItem& li : catalog_->line_items())
            if (li.present) series_.observe(li.index.value, now, {ledger_[li.index.value].spend_total, ledger_[li.index.value].bids,
                                                                  ledger_[li.index.value].wins, ledger_[li.index.value].clicks});
        series_.publish(now);
        if (now - alerts_last_us_ >= std::chrono::duration_cast<std::chrono::microseconds>(alert_interval).count())
            evaluate_alerts(now);  // control_loop_alerts.cc: after the series took this tick's figures
        state_.daily_series.record(*catalog_, ledger_, now);  // the optimizer thread's input
        render_stats(now);
        std::string models_text;
        model_monitor_.write_prometheus(models_text);
        render_metrics(state_, *catalog_, ledger_, models_text);
    }
    last_tick_us_ = now;
}

void ControlLoop::drain(std::int64_t now_us) {
    now_us_ = now_us;
    ShardEvent e;
    BidFeatures f;
    for (auto& shard : state_.shards) {
        // Rows before events: a bid's row usually arrives before its win.
        while (shard->features.try_pop(f))
            if (online_) online_->note_features(f);
        while (shard->events.try_pop(e)) apply(e);
    }
}

void ControlLoop::apply(const ShardEvent& e) {
    if (e.kind == ShardEventKind::experiment_user) {
        experiments_.note_user(*catalog_, e.line_item, e.user);
        return;
    }
    const bool outcome = e.kind == ShardEventKind::click || e.kind == ShardEventKind::conversion;
    // Outcomes may name no line item (kNoLineItem): they can still join their bid.
    if (e.line_item >= kMaxLineItems && !(outcome && e.line_item == kNoLineItem)) return;
    LineItemLedger no_line_item;  // receives the ledger counts of such outcomes (discarded)
    std::uint8_t creative = 0;
    VariantChoice variants = kNoVariants;
    LineItemLedger& l = e.line_item < kMaxLineItems ? ledger_[e.line_item] : no_line_item;
    switch (e.kind) {
        case ShardEventKind::bid:
            ++l.bids;
            in_flight_.emplace(e.bid_key, InFlight{e.line_item, e.micros, e.t_us, e.shading_context, e.first_price});
            site_stats_.note_bid(e.bid_key, e.line_item, e.site, e.score, e.creative, e.variants);
            note_shaded_bid(e);
            attribute(e);
            break;
        case ShardEventKind::anchor:
            attribute(e);
            break;
        case ShardEventKind::win:
        case ShardEventKind::billing: {
            if (!won_.first_time(e.bid_key, feeds::UtcMicros{std::chrono::microseconds{now_us_}})) break;  // counts once
            ++l.wins;
            site_stats_.note_win(e.bid_key);
            if (online_) online_->note_win(e.bid_key, now_us_);
            if (std::uint32_t li = 0; site_stats_.creative_of(e.bid_key, li, creative, &variants))
                creatives_.record_impression(li, creative, e.t_us, variants);
            model_monitor_.on_win(site_stats_.score_of(e.bid_key));
            attribute(e);
            if (utc_day(e.t_us) != utc_day(now_us_))  // a late win: its spend belongs to its own day
                state_.daily_series.note_late(e.line_item, utc_day(e.t_us), {e.micros, 0, 0});
            if (counts_today(e.line_item, e.t_us)) l.spend_today += e.micros;
            l.spend_total += e.micros;
            experiments_.note_spend(*catalog_, e.line_item, e.micros);
            auto it = in_flight_.find(e.bid_key);
            if (it != in_flight_.end()) {
                learn_shading(it->second, e);
                l.resolved_total += it->second.charge;
                in_flight_.erase(it);
            } else {
                ++l.late_wins;  // its charge was already released (or never seen): spend still counts
            }
            break;
        }
        case ShardEventKind::loss: {
            auto it = in_flight_.find(e.bid_key);
            if (it != in_flight_.end()) {
                learn_shading(it->second, e);
                l.resolved_total += it->second.charge;
                in_flight_.erase(it);
            }
            break;
        }
        case ShardEventKind::click:
        case ShardEventKind::conversion: {
            // A repeated click/conversion (same bid's notice, or same event
            // id) counts once; mixing in the kind keeps it apart from the win.
            const std::uint64_t key = (e.bid_key * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(e.kind);
            if (e.bid_key != 0 && !won_.first_time(key, feeds::UtcMicros{std::chrono::microseconds{now_us_}})) break;
            if (e.kind == ShardEventKind::conversion) experiments_.note_conversion(*catalog_, e.line_item, e.user, e.micros);
            if (e.join_key == 0 && e.line_item == kNoLineItem) break;  // a user's conversion, for experiments only
            attribute(e);
            // The bid it belongs to: join_key (the bid key of our bid ids);
            // bid_key of an outcome is its event id's key, for de-duplication.
            const std::uint64_t bid = e.join_key != 0 ? e.join_key : e.bid_key;
            if (e.kind == ShardEventKind::click) {
                site_stats_.note_click(bid);
                if (online_) online_->note_click(bid, now_us_);
                if (std::uint32_t li = 0; site_stats_.creative_of(bid, li, creative, &variants))
                    creatives_.record_click(li, creative, e.t_us, variants);
                model_monitor_.on_click(site_stats_.score_of(bid));
                ++l.clicks;
            } else {
                site_stats_.note_conversion(bid);
                if (online_) online_->note_conversion(bid, now_us_);
                ++l.conversions;
                l.conversion_value += e.micros;
                if (e.line_item < kMaxLineItems && utc_day(e.t_us) != utc_day(now_us_))
                    state_.daily_series.note_late(e.line_item, utc_day(e.t_us), {0, 1, e.micros});
            }
            break;
        }
        case ShardEventKind::experiment_user: break;  // handled above
    }
}

void ControlLoop::attribute(const ShardEvent& e) {
    if (!publish_observability) return;  // the join counts are stats only: the ledger counts outcomes itself
    feeds::Event ev;
    switch (e.kind) {
        case ShardEventKind::bid: ev.kind = feeds::EventKind::bid; break;
        case ShardEventKind::win:
        case ShardEventKind::billing: ev.kind = feeds::EventKind::win; break;
        case ShardEventKind::anchor: ev.kind = feeds::EventKind::impression; break;
        case ShardEventKind::click: ev.kind = feeds::EventKind::click; break;
        case ShardEventKind::conversion: ev.kind = feeds::EventKind::conversion; break;
        case ShardEventKind::loss:
        case ShardEventKind::experiment_user: return;
    }
    // Our bids' key is their bid_key; events carry theirs in join_key. The
    // joiner keys by bid id text: the key's 16 hex digits stand in for it.
    const std::uint64_t join = e.join_key != 0 ? e.join_key : (e.kind == ShardEventKind::bid ? e.bid_key : 0);
    if (join != 0) {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(join));
        (void)ev.bid_id.assign(std::string_view(hex, 16));
    }
    const bool known = e.line_item < kMaxLineItems;
    if (known) {
        const CompiledLineItem* li = e.line_item < catalog_->line_items().size() ? &catalog_->line_items()[e.line_item] : nullptr;
        if (li != nullptr && li->present) (void)ev.line_item_id.assign(li->model.id.value);
    }
    ev.ts = feeds::UtcMicros{std::chrono::microseconds{e.t_us}};
    ev.price = Micros(e.kind == ShardEventKind::conversion ? 0 : e.micros);
    ev.value = Micros(e.kind == ShardEventKind::conversion ? e.micros : 0);
    (void)ev.currency.assign("USD");  // the ledger's currency: ShardEvents carry micros of it
    const feeds::JoinResult r = joiner_.on_event(ev, feeds::UtcMicros{std::chrono::microseconds{now_us_}});
    orphans_.adopted += r.orphans_adopted;
    if (r.orphans_adopted > 0) adopt(r);
    if (r.status == feeds::JoinStatus::anchored || r.status == feeds::JoinStatus::ignored) return;
    const bool click = e.kind == ShardEventKind::click;
    if (r.status == feeds::JoinStatus::joined) {
        if (const CompiledLineItem* li = catalog_->find_line_item(r.line_item); li != nullptr && li->present) {
            LineItemLedger& l = ledger_[li->index.value];
            if (click) {
                ++l.clicks_joined;
            } else {
                ++l.conversions_joined;
                l.joined_conversion_value += e.micros;
            }
        }
        return;
    }
    if (r.status != feeds::JoinStatus::orphan) return;
    const bool unknown = r.orphan_reason == feeds::OrphanReason::no_anchor;
    (unknown ? (click ? orphans_.unknown_bid_clicks : orphans_.unknown_bid_conversions)
             : (click ? orphans_.outside_window_clicks : orphans_.outside_window_conversions))++;
    if (known) (click ? ledger_[e.line_item].clicks_orphaned : ledger_[e.line_item].conversions_orphaned)++;
}

// Outcomes that arrived before their bid were counted as orphans (unknown
// bid); now that the bid is here they count as joined instead.
void ControlLoop::adopt(const feeds::JoinResult& r) {
    orphans_.unknown_bid_clicks -= r.adopted_clicks;
    orphans_.unknown_bid_conversions -= r.adopted_conversions;
    const CompiledLineItem* li = catalog_->find_line_item(r.line_item);
    if (li == nullptr || !li->present) return;
    LineItemLedger& l = ledger_[li->index.value];
    l.clicks_joined += r.adopted_clicks;
    l.conversions_joined += r.adopted_conversions;
    l.joined_conversion_value += r.adopted_value.value();
    l.clicks_orphaned -= r.adopted_clicks_named;
    l.conversions_orphaned -= r.adopted_conversions_named;
}

void ControlLoop::expire(std::int64_t now_us) {
    const std::int64_t horizon = std::chrono::duration_cast<std::chrono::microseconds>(bid_expiry).count();
    std::erase_if(in_flight_, [&](const auto& kv) {
        if (now_us - kv.second.t_us < horizon) return false;
        ledger_[kv.second.line_item].resolved_total += kv.second.charge;
        return true;
    });
}

void ControlLoop::grant_leases() {
    const Catalog& cat = *catalog_;
    const auto n_shards = static_cast<std::int64_t>(state_.shards.size());
    // Campaign-level committed money first: line items share their
    // campaign's budget. A budget of 0 means "no cap at this level".
    constexpr std::int64_t kUncapped = std::int64_t{1} << 60;
    std::vector<std::int64_t> campaign_today(cat.campaigns().size(), 0), campaign_lifetime(cat.campaigns().size(), 0);
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        campaign_today[li.campaign->index.value] += l.committed();
        campaign_lifetime[li.campaign->index.value] += l.committed_lifetime();
    }
    auto room = [&](Micros budget, std::int64_t committed) {
        return budget.value() > 0 ? budget.value() - committed : kUncapped;
    };

    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const std::uint32_t i = li.index.value;
        LineItemLedger& l = ledger_[i];
        const Campaign& camp = li.campaign->model;
        const std::uint32_t ci = li.campaign->index.value;
        if (camp.paused || camp.managed()) continue;  // a platform runs managed campaigns' auctions
        std::int64_t headroom = std::min({room(camp.daily_budget, campaign_today[ci]),
                                          room(camp.lifetime_budget, campaign_lifetime[ci]),
                                          room(li.model.daily_budget, l.committed()),
                                          room(li.model.lifetime_budget, l.committed_lifetime())});
        // Follow the plan: no lease takes the committed money more than
        // `plan_slack` of the daily budget past what the plan allows by now.
        const CampaignClock& k = clocks_[ci];
        auto plan_room = [&](Micros budget, std::int64_t committed) {
            if (budget.value() <= 0 || k.plan.asap()) return kUncapped;
            const double b = static_cast<double>(budget.value());
            return static_cast<std::int64_t>(b * (k.planned_fraction + plan_slack)) - committed;
        };
        headroom = std::min({headroom, plan_room(camp.daily_budget, campaign_today[ci]),
                             plan_room(li.model.daily_budget, l.committed())});
        if (shared_budget_ != nullptr)  // and within this node's lease on the shared budgets
            headroom = std::min({headroom, shared_room_campaign_[ci], shared_room_line_item_[i]});
        if (headroom <= 0) continue;

        std::int64_t charged_now = 0;
        for (auto& shard : state_.shards) charged_now += shard->line_items[i].charged_micros.load(std::memory_order_relaxed);
        const std::int64_t tick_spend = charged_now - l.last_charged;
        l.last_charged = charged_now;

        // Enough for two ticks at the recent rate, at least a small slice of
        // the budget, never more than a fair share of what is left.
        const std::int64_t scale = camp.daily_budget.value() > 0 ? camp.daily_budget.value() : 1'000'000'000;
        // At least a few of this line item's largest bids, so a lease never
        // blocks a single bid; model-driven strategies without max_cpm assume $20.
        std::int64_t top_cpm = std::max(li.model.bid.cpm.value(), li.model.bid.max_cpm.value());
        if (top_cpm == 0) top_cpm = 20'000'000;
        const std::int64_t min_slice = std::max<std::int64_t>(std::min(headroom, scale) / 1000, 4 * top_cpm / 1000);
        const std::int64_t want = std::max(min_slice, 2 * tick_spend / n_shards);
        for (auto& shard : state_.shards) {
            LineItemShardState& s = shard->line_items[i];
            const std::int64_t outstanding = s.granted_micros.load(std::memory_order_relaxed) -
                                             s.charged_micros.load(std::memory_order_relaxed);
            std::int64_t add = std::min(want - outstanding, headroom / n_shards);
            if (add <= 0) continue;
            s.granted_micros.store(s.granted_micros.load(std::memory_order_relaxed) + add, std::memory_order_relaxed);
            l.granted_total += add;
            headroom -= add;
            campaign_today[ci] += add;
            campaign_lifetime[ci] += add;
            if (shared_budget_ != nullptr) shared_room_campaign_[ci] -= add;
        }
    }
}

void ControlLoop::publish_control(std::int64_t now_us) {
    const Catalog& cat = *catalog_;
    auto cs = std::make_shared<ControlState>();
    cs->catalog_version = cat.version();
    cs->live = LineItemSet(cat.line_item_capacity());
    cs->multiplier.assign(cat.line_item_capacity(), 1.0f);
    cs->utc_offset_minutes.assign(cat.line_item_capacity(), 0);
    cs->conversion_value.assign(cat.line_item_capacity(), 0.0f);
    cs->site_stats = site_table_;
    cs->pass_probability.assign(cat.line_item_capacity(), 1.0f);
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const Campaign& c = li.campaign->model;
        const CampaignClock& k = clocks_[li.campaign->index.value];
        // Flight dates and dayparts are in the campaign's own time zone.
        const Date today = k.date;
        const bool in_flight = (!c.start.ok() || c.start <= today) && (!c.end.ok() || today <= c.end);
        const auto slot = static_cast<std::size_t>(k.hour_of_week);
        if (in_flight && !c.paused && !c.managed() && c.daypart.on[slot]) cs->live.set(li.index.value);
        const double pacing = c.bid_multiplier_override > 0 ? c.bid_multiplier_override : multiplier(li.index.value);
        cs->multiplier[li.index.value] = static_cast<float>(pacing * c.daypart.multiplier[slot]);
        cs->pass_probability[li.index.value] = static_cast<float>(pass_probability(li.index.value));
        cs->utc_offset_minutes[li.index.value] = static_cast<std::int16_t>(k.zone.offset_at(now_us / 1'000'000) / 60);
        const LineItemLedger& l = ledger_[li.index.value];
        if (l.conversions > 0)
            cs->conversion_value[li.index.value] =
                static_cast<float>(static_cast<double>(l.conversion_value) / 1e6 / static_cast<double>(l.conversions));
    }
    cs->shading = shading_table_;
    if (shared_budget_ != nullptr) {
        cs->shared_budget = shared_line_items_;
        cs->shared_lease_until_us = shared_lease_until_us_;
    }
    if (online_) cs->online = online_->published();
    cs->creatives = creatives_.published();
    state_.control.publish(std::move(cs));
}

void ControlLoop::render_stats(std::int64_t now_us) {
    const Catalog& cat = *catalog_;
    JsonWriter j;
    std::uint64_t requests = 0;
    for (auto& s : state_.shards) requests += read(s->counters.requests);
    if (last_tick_us_ > 0 && now_us > last_tick_us_)
        qps_ = static_cast<double>(requests - last_requests_) * 1e6 / static_cast<double>(now_us - last_tick_us_);
    last_requests_ = requests;

    j.begin_object();
    j.field("time_us", now_us);
    j.key("engine").begin_object()
        .field("shards", static_cast<std::uint64_t>(state_.shards.size()))
        .field("io_backend", state_.io_backend)
        .field("uptime_s", static_cast<double>(now_us - started_us_) / 1e6)
        .field("catalog_version", cat.version())
        .field("qps", qps_)
        .field("bids_in_flight", static_cast<std::uint64_t>(in_flight_.size()))
        .end_object();
    model_monitor_.write_json(j);
    if (online_) {
        std::uint64_t online_rows = 0;
        for (auto& s : state_.shards) online_rows += read(s->models.online_rows);
        online_->write_json(j, online_rows);
    }

    std::uint64_t t_bids = 0, t_wins = 0, t_clicks = 0, t_conv = 0;
    std::int64_t t_spend = 0;
    std::uint64_t t_clicks_joined = 0, t_conv_joined = 0;
    // The joiner's hour buckets of the last 48 h, by line item ("" = orphans).
    const std::int64_t hours_from = now_us - std::int64_t{48} * 3'600'000'000;
    std::unordered_map<std::string_view, std::vector<std::pair<std::int64_t, feeds::HourStats>>> hours;
    joiner_.for_each_bucket([&](feeds::UtcMicros hour, std::string_view line_item, const feeds::HourStats& st) {
        if (hour.time_since_epoch().count() >= hours_from) hours[line_item].emplace_back(hour.time_since_epoch().count(), st);
    });
    j.key("line_items").begin_array();
    for (const CompiledLineItem& li : cat.line_items()) {
        if (!li.present) continue;
        const LineItemLedger& l = ledger_[li.index.value];
        std::int64_t granted = 0, charged = 0;
        for (auto& s : state_.shards) {
            granted += s->line_items[li.index.value].granted_micros.load(std::memory_order_relaxed);
            charged += s->line_items[li.index.value].charged_micros.load(std::memory_order_relaxed);
        }
        const std::int64_t budget = li.model.daily_budget.value() > 0 ? li.model.daily_budget.value()
                                                                       : li.campaign->model.daily_budget.value();
        j.begin_object()
            .field("id", li.model.id.value)
            .field("campaign", li.model.campaign.value)
            .field("strategy", to_string(li.model.bid.strategy))
            .field("bids", l.bids)
            .field("wins", l.wins)
            .field("clicks", l.clicks)
            .field("conversions", l.conversions)
            .field("conversion_value_micros", l.conversion_value)
            .field("spend_micros", l.spend_today)
            .field("spend_total_micros", l.spend_total)
            .field("budget_micros", budget)
            .field("committed_micros", l.committed())
            .field("lease_granted_micros", granted)
            .field("lease_charged_micros", charged)
            .field("late_wins", l.late_wins)
            .field("pacing", to_string(li.campaign->model.pacing))
            .field("controller", pacing_controller_name(li.index.value))
            .field("planned_spend_micros", planned_spend(li.index.value))
            .field("multiplier", multiplier(li.index.value))
            .field("pass_probability", pass_probability(li.index.value))
            .field("paused", li.campaign->model.paused)
            .field("clicks_joined", l.clicks_joined)
            .field("clicks_orphaned", l.clicks_orphaned)
            .field("conversions_joined", l.conversions_joined)
            .field("conversions_orphaned", l.conversions_orphaned)
            .field("joined_conversion_value_micros", l.joined_conversion_value);
        write_shading(j, li.index.value);  // first-price shading state
        creatives_.write_json(j, li);      // creative selection and fatigue (two creatives or more)
        // Hour buckets of each event's own time (late events land in theirs).
        j.key("attribution_hours").begin_array();
        if (auto it = hours.find(li.model.id.value); it != hours.end())
            for (const auto& [hour, st] : it->second)
                j.begin_object().field("hour_us", hour).field("bids", st.bids).field("wins", st.wins)
                    .field("impressions", st.impressions).field("clicks", st.clicks).field("conversions", st.conversions)
                    .end_object();
        j.end_array();
        t_clicks_joined += l.clicks_joined; t_conv_joined += l.conversions_joined;
        j.key("series");  // the last hour; /v1/stats/series has 24 h
        series_.write_json(j, li.index.value, now_us, 60);
        j.end_object();
        t_bids += l.bids; t_wins += l.wins; t_clicks += l.clicks; t_conv += l.conversions; t_spend += l.spend_today;
    }
    j.end_array();

    std::vector<std::int64_t> camp_spend(cat.campaigns().size(), 0), camp_committed(cat.campaigns().size(), 0);
    for (const CompiledLineItem& li : cat.line_items())
        if (li.present) {
            camp_spend[li.campaign->index.value] += ledger_[li.index.value].spend_today;
            camp_committed[li.campaign->index.value] += ledger_[li.index.value].committed();
        }
    j.key("campaigns").begin_array();
    for (const CompiledCampaign& c : cat.campaigns()) {
        const std::int64_t spend = camp_spend[c.index.value], committed = camp_committed[c.index.value];
        j.begin_object()
            .field("id", c.model.id.value)
            .field("advertiser", c.model.advertiser.value)
            .field("spend_micros", spend)
            .field("committed_micros", committed)
            .field("budget_micros", c.model.daily_budget.value())
            .field("pacing", to_string(c.model.pacing))
            .field("timezone", c.timezone)
            .field("planned_spend_micros", c.index.value < clocks_.size()
                                               ? static_cast<std::int64_t>(static_cast<double>(c.model.daily_budget.value()) *
                                                                           clocks_[c.index.value].planned_fraction)
                                               : 0)
            .field("hour_of_week", static_cast<std::int64_t>(c.index.value < clocks_.size() ? clocks_[c.index.value].hour_of_week : 0))
            .field("paused", c.model.paused)
            .field("bid_multiplier_override", c.model.bid_multiplier_override)
            .end_object();
    }
    j.end_array();

    j.key("totals").begin_object()
        .field("requests", requests).field("bids", t_bids).field("wins", t_wins)
        .field("clicks", t_clicks).field("conversions", t_conv).field("spend_micros", t_spend)
        .field("clicks_joined", t_clicks_joined).field("conversions_joined", t_conv_joined)
        // Orphans of all line items, and those naming none (by reason below).
        .field("clicks_orphaned", orphans_.unknown_bid_clicks + orphans_.outside_window_clicks)
        .field("conversions_orphaned", orphans_.unknown_bid_conversions + orphans_.outside_window_conversions)
        .end_object();

    j.key("attribution").begin_object()
        .field("click_window_s", std::int64_t{24 * 3600})
        .field("conversion_window_s", std::int64_t{7 * 24 * 3600})
        .field("orphan_clicks_unknown_bid", orphans_.unknown_bid_clicks)
        .field("orphan_clicks_outside_window", orphans_.outside_window_clicks)
        .field("orphan_conversions_unknown_bid", orphans_.unknown_bid_conversions)
        .field("orphan_conversions_outside_window", orphans_.outside_window_conversions)
        .field("orphans_adopted", orphans_.adopted)
        .field("orphans_open", joiner_.open_orphans());
    j.key("orphan_hours").begin_array();
    if (auto it = hours.find(""); it != hours.end())
        for (const auto& [hour, st] : it->second)
            j.begin_object().field("hour_us", hour).field("orphan_clicks", st.orphan_clicks)
                .field("orphan_conversions", st.orphan_conversions).end_object();
    j.end_array();
    j.end_object();
    // Free buckets no window can reach any more.
    joiner_.drop_buckets_before(feeds::UtcMicros{std::chrono::microseconds{now_us - std::int64_t{8} * 86'400'000'000}});

    // What the platforms report (POST /v1/reports/*), beside our ledger.
    j.key("platform_reports");
    platform_reports_.write_json(j);
    experiments_.write(j, cat);
    write_shared_budget(j);  // with --budget-ledger only

    j.key("shards").begin_array();
    for (auto& s : state_.shards) {
        const ShardCounters& c = s->counters;
        std::array<std::uint64_t, LatencyHistogram::kBuckets> h{};
        for (int b = 0; b < LatencyHistogram::kBuckets; ++b) h[b] = read(c.bid_latency.buckets[b]);
        j.begin_object()
            .field("id", static_cast<std::uint64_t>(s->id))
            .field("requests", read(c.requests))
            .field("bid_responses", read(c.bid_responses))
            .field("no_bid_responses", read(c.no_bid_responses))
            .field("bad_requests", read(c.bad_requests))
            .field("bids", read(c.bids))
            .field("http_requests", read(c.http_requests))
            .field("http_errors", read(c.http_errors))
            .field("notices", read(c.notices))
            .field("notice_errors", read(c.notice_errors))
            .field("auth_refused", read(c.auth_refused))
            .field("events_dropped", read(c.events_dropped))
            .field("bad_native_requests", read(c.bad_native_requests))
            .field("request_log_written", read(c.request_log_written))
            .field("request_log_skipped", read(c.request_log_skipped))
            .field("connections_open", read(c.connections_open))
            .field("connections_total", read(c.connections_total));
        j.key("no_bid").begin_object();
        for (int r = 0; r < static_cast<int>(NoBidReason::count_); ++r)
            j.field(to_string(static_cast<NoBidReason>(r)), read(c.no_bid[r]));
        for (int r = 0; r < static_cast<int>(ShedReason::count_); ++r)  // shed before parsing (net/admission.h)
            j.field(to_string(static_cast<ShedReason>(r)), read(c.shed[r]));
        j.end_object();
        j.key("latency_us").begin_object()
            .field("p50", static_cast<double>(percentile_ns(h, 0.50)) / 1000.0)
            .field("p99", static_cast<double>(percentile_ns(h, 0.99)) / 1000.0)
            .field("p999", static_cast<double>(percentile_ns(h, 0.999)) / 1000.0)
            .end_object();
        j.end_object();
    }
    j.end_array();
    j.end_object();
    state_.stats_json.publish(std::make_shared<const std::string>(j.take()));
}

}  // namespace bidline
