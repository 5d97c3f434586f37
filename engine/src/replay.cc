#include "bidline/engine/replay.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "bidline/engine/bid_path.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/utc_text.h"

namespace bidline {
namespace {

void add(ReplayTally& t, bool bid, bool won, std::int64_t paid, bool click, bool conversion, std::int64_t value,
         std::int64_t bid_value) {
    t.bid_value_micros += won ? bid_value : 0;
    t.bids += bid;
    t.wins += won;
    t.impressions += won;
    t.spend_micros += paid;
    t.clicks += click;
    t.conversions += conversion;
    t.conversion_value_micros += value;
}

void tally_json(JsonWriter& j, const ReplayTally& t) {
    j.field("requests", t.requests)
        .field("bids", t.bids)
        .field("wins", t.wins)
        .field("impressions", t.impressions)
        .field("clicks", t.clicks)
        .field("conversions", t.conversions)
        .field("conversion_value", static_cast<double>(t.conversion_value_micros) / 1e6)
        .field("spend", static_cast<double>(t.spend_micros) / 1e6)
        .field("bid_value", static_cast<double>(t.bid_value_micros) / 1e6);
}

}  // namespace

ReplayReport run_replay(const Config& config_in, ReplaySource& source, const ReplayOptions& options) {
    Config config = config_in;
    config.engine.shards = 1;  // single-threaded: the replay thread is the one shard
    ManualClock clock;
    ReplayRecord rec;
    ReplayReport report;
    if (!source.next(rec)) return report;
    clock.set(Timestamp{std::chrono::microseconds{rec.ts_us}});

    EngineState state(config, clock);
    ControlLoop control(state);
    control.publish_observability = false;
    control.bid_expiry = std::chrono::seconds(1);  // the auction is decided at once; nothing stays in flight
    control.controller_kind = options.controller;
    BidPath path(state, *state.shards[0]);
    ShardResources& shard = *state.shards[0];
    auto catalog = state.catalog.load();
    for (const auto& c : catalog->campaigns()) report.budget_micros += c.model.daily_budget.value();

    const std::int64_t tick_us = std::chrono::duration_cast<std::chrono::microseconds>(config.engine.control_tick).count();
    const std::int64_t bucket_us = options.bucket.count();
    std::int64_t next_tick = rec.ts_us;
    std::map<std::uint32_t, ReplayTally> per_line_item;
    report.first_us = rec.ts_us;

    do {
        clock.set(Timestamp{std::chrono::microseconds{rec.ts_us}});
        if (rec.ts_us >= next_tick) {
            control.tick();
            next_tick = std::max(next_tick + tick_us, rec.ts_us - rec.ts_us % tick_us + tick_us);
            if (!report.timeline.empty()) report.timeline.back().planned_spend_micros = control.planned_spend_all_campaigns();
        }
        report.last_us = rec.ts_us;
        const std::int64_t bucket_start = rec.ts_us - ((rec.ts_us % bucket_us) + bucket_us) % bucket_us;
        if (report.timeline.empty() || report.timeline.back().start_us != bucket_start)
            report.timeline.push_back(ReplayBucket{bucket_start, {}});
        ReplayTally& bucket = report.timeline.back().tally;
        ++report.totals.requests;
        ++bucket.requests;

        Scores given;
        if (rec.pctr) {
            given.present = true;
            given.pctr = *rec.pctr;
        }
        const BidAnswer a = path.handle(rec.request, clock.now(), rec.pctr ? &given : nullptr, ResponseMode::decide_only);
        if (a.status != 200) continue;
        const bool first_price = path.last_request().at == AuctionType::first_price;
        for (const PlacedBid& b : path.last_bids()) {
            const double price = b.price.as_cpm();
            const bool won = price > rec.market_price_cpm;
            std::int64_t paid = 0;
            ShardEvent e{won ? ShardEventKind::win : ShardEventKind::loss, 0, shard.id, b.line_item, b.bid_key, 0, rec.ts_us};
            if (won) {
                paid = Micros::per_impression_from_cpm(first_price ? price : rec.market_price_cpm).value();
                e.micros = paid;
            } else if (options.loss_min_to_win) {
                // The loss notice tells the minimum bid that would have won
                // (OpenRTB 2.6 min-to-win): here, the simulated market price.
                e.micros = Micros::per_impression_from_cpm(rec.market_price_cpm).value();
            }
            if (!shard.events.try_push(e)) {
                control.tick();  // a dense log: drain early rather than lose the event
                shard.events.try_push(e);
            }
            const bool click = won && rec.click;
            const bool conversion = won && rec.conversion;
            const std::int64_t value = conversion ? Micros::from_units(rec.conversion_value).value() : 0;
            const std::int64_t bid_value = Micros::per_impression_from_cpm(b.value.as_cpm()).value();
            add(report.totals, true, won, paid, click, conversion, value, bid_value);
            add(bucket, true, won, paid, click, conversion, value, bid_value);
            add(per_line_item[b.line_item], true, won, paid, click, conversion, value, bid_value);
        }
        if (shard.events.size_approx() > shard.events.capacity() / 2) control.tick();
    } while (source.next(rec));
    control.tick();
    if (!report.timeline.empty()) report.timeline.back().planned_spend_micros = control.planned_spend_all_campaigns();

    for (const auto& li : catalog->line_items()) {
        if (!li.present) continue;
        report.line_items.emplace_back(li.model.id.value, per_line_item[li.index.value]);
    }
    return report;
}

std::string replay_report_json(const ReplayReport& r) {
    JsonWriter j;
    j.begin_object();
    if (!r.name.empty()) j.field("name", r.name);
    j.field("first", rfc3339_utc(r.first_us)).field("last", rfc3339_utc(r.last_us));
    j.field("budget", static_cast<double>(r.budget_micros) / 1e6);
    j.key("totals").begin_object();
    tally_json(j, r.totals);
    j.end_object();
    j.key("line_items").begin_array();
    for (const auto& [id, t] : r.line_items) {
        j.begin_object().field("id", id);
        tally_json(j, t);
        j.end_object();
    }
    j.end_array();
    j.key("timeline").begin_array();
    std::int64_t cumulative = 0;
    for (const ReplayBucket& b : r.timeline) {
        cumulative += b.tally.spend_micros;
        j.begin_object()
            .field("t", rfc3339_utc(b.start_us))
            .field("spend", static_cast<double>(b.tally.spend_micros) / 1e6)
            .field("cumulative_spend", static_cast<double>(cumulative) / 1e6)
            .field("planned_spend", static_cast<double>(b.planned_spend_micros) / 1e6)
            .field("wins", b.tally.wins)
            .field("clicks", b.tally.clicks)
            .field("bids", b.tally.bids)
            .field("requests", b.tally.requests)
            .end_object();
    }
    j.end_array();
    j.end_object();
    return j.take();
}

Config single_campaign_config(double budget, BidStrategy strategy, PacingMode pacing, double bid_cpm) {
    using namespace std::chrono;
    Config c;
    c.engine.shards = 1;
    c.campaigns.advertisers.push_back(Advertiser{AdvertiserId{"adv-replay"}, "replay", "USD", "UTC", {"replay.example"}});
    Campaign camp;
    camp.id = CampaignId{"cmp-replay"};
    camp.advertiser = AdvertiserId{"adv-replay"};
    camp.name = "replay";
    camp.daily_budget = Micros::from_units(budget);
    camp.lifetime_budget = Micros::from_units(budget);
    camp.start = year_month_day{year{2000}, January, day{1}};
    camp.end = year_month_day{year{2100}, December, day{31}};
    camp.pacing = pacing;
    c.campaigns.campaigns.push_back(camp);
    LineItem li;
    li.id = LineItemId{"li-replay"};
    li.campaign = camp.id;
    li.name = "replay";
    li.bid.strategy = strategy;
    // --bid is the strategy's own price: a CPM, a CPC or a target CPA.
    switch (strategy) {
        case BidStrategy::manual_cpc: li.bid.cpc = Micros::from_units(bid_cpm); break;
        case BidStrategy::target_cpa: li.bid.target_cpa = Micros::from_units(bid_cpm); break;
        default: li.bid.cpm = Micros::from_units(bid_cpm); break;
    }
    Creative cr;
    cr.id = CreativeId{"cr-replay"};
    cr.format = MediaType::banner;
    cr.size = Size{0, 0};  // responsive: fits every banner slot in the log
    cr.adomain = {"replay.example"};
    cr.markup = "<div>replay</div>";
    li.creatives.push_back(cr);
    c.campaigns.line_items.push_back(li);
    return c;
}

}  // namespace bidline
