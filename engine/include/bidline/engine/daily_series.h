// Daily spend and outcome per campaign, the optimizer thread's input.
//
// The control thread owns the ledger (cumulative spend, conversions and
// conversion value per line item). Once per tick it calls
// DailySeriesRecorder::record, which adds each line item's growth since the
// previous tick to its campaign's bucket for the current UTC day and, at most
// once a second (and at every day change), publishes an immutable
// DailySeries; any thread reads the last one with snapshot(). History starts
// when the engine starts (the first tick only sets the baseline); older days
// can be imported through the optimizer (POST /v1/optimizer/history).
// Growth goes to the day of the tick, except what the control loop declared
// with note_late (wins and conversions whose own time is on another UTC
// day): that part goes to the event's day, so late events land in theirs.
//
// Threads: record() on the control thread only; snapshot() on any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bidline/engine/catalog.h"
#include "bidline/engine/snapshot.h"

namespace bidline {

struct CampaignDay {
    std::int64_t spend_micros = 0;
    std::uint64_t conversions = 0;
    std::int64_t value_micros = 0;  // conversion value
};

struct DailySeries {
    // campaign id → UTC day number (days since 1970-01-01) → totals of that day.
    std::map<std::string, std::map<std::int64_t, CampaignDay>> campaigns;
};

class DailySeriesRecorder {
public:
    // Control thread. `ledger[i]` has spend_total, conversions and
    // conversion_value of line item i (LineItemLedger; a template so this
    // header does not depend on the control loop's).
    template <class Ledger>
    void record(const Catalog& catalog, const std::vector<Ledger>& ledger, std::int64_t now_us) {
        for (const CompiledLineItem& li : catalog.line_items()) {
            if (!li.present || li.index.value >= ledger.size()) continue;
            const Ledger& l = ledger[li.index.value];
            add(li.campaign->model.id.value, li.index.value, now_us,
                {l.spend_total, static_cast<std::uint64_t>(l.conversions), l.conversion_value});
        }
        maybe_publish(now_us);
    }

    // Control thread, before the next record(): part of line item
    // `line_item`'s coming growth belongs to UTC day `event_day`, not to the
    // day of that tick.
    void note_late(std::uint32_t line_item, std::int64_t event_day, CampaignDay delta);

    // Any thread.
    [[nodiscard]] std::shared_ptr<const DailySeries> snapshot() const { return published_.load(); }

private:
    void add(const std::string& campaign, std::uint32_t line_item, std::int64_t now_us, CampaignDay cumulative);
    void maybe_publish(std::int64_t now_us);

    DailySeries series_;
    std::vector<CampaignDay> last_;  // cumulative totals at the previous tick, by line item
    std::vector<char> seen_;
    struct LateGrowth {
        std::uint32_t line_item;
        std::int64_t day;
        CampaignDay delta;
    };
    std::vector<LateGrowth> late_;  // noted since the last record(); few (late events are rare)
    std::int64_t last_publish_us_ = 0;
    std::int64_t last_publish_day_ = 0;
    bool dirty_ = false;
    Snapshot<DailySeries> published_{std::make_shared<const DailySeries>()};
};

// UTC day number of a time in microseconds since the epoch.
std::int64_t utc_day(std::int64_t us);

}  // namespace bidline
