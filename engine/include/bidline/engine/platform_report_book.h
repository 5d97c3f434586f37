// Platform-reported figures: what Google Ads, Meta and TikTok say they
// spent and delivered for our campaigns (POST /v1/reports/*), kept beside
// bidline's own ledger and never mixed into it: budgets and leases use only
// our ledger, the platforms' figures are for comparison and reporting.
//
// One row per (platform, campaign, bucket start, granularity). A spend
// report event is recorded once per event id (a re-posted report is a
// duplicate); a later revision of the same bucket replaces its figures
// (platforms restate recent hours).
//
// Threads: any. Shards record from the report endpoint, the main thread
// during start-up recovery, the control thread renders /v1/stats. One mutex:
// taken once per report request (not per row) and once per control tick,
// never on the bid path.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "bidline/engine/json_writer.h"
#include "bidline/feeds/event.h"

namespace bidline {

class PlatformReportBook {
public:
    enum class Outcome : std::uint8_t { recorded, duplicate };

    // Records a batch of spend_report events under one lock. For each new
    // id, `commit(event)` runs first (e.g. appends it to the event log) and
    // the event is recorded only if it returns true. `on_outcome(i, outcome)`
    // tells the caller what became of events[i] (not called for events
    // whose commit failed).
    template <class Commit, class OnOutcome>
    void record_batch(const std::vector<feeds::Event>& events, Commit&& commit, OnOutcome&& on_outcome) {
        std::lock_guard lock(mu_);
        for (std::size_t i = 0; i < events.size(); ++i) {
            const feeds::Event& e = events[i];
            if (seen_.contains(std::string(e.event_id.view()))) {
                on_outcome(i, Outcome::duplicate);
                continue;
            }
            if (!commit(e)) continue;
            add_locked(e);
            on_outcome(i, Outcome::recorded);
        }
    }

    // One event, no commit step (start-up recovery from the log).
    Outcome record(const feeds::Event& event);

    // What `platform` reported for `campaign` in buckets starting in
    // [from_us, to_us): hour rows summed, or the day rows' sum when that is
    // larger (a platform reporting both covers the same money twice). For
    // the control loop's adjustments of platform-managed campaigns.
    struct ReportedSpend {
        std::int64_t spend_micros = 0;
        std::int64_t covered_until_us = 0;  // end of the latest bucket counted (0: none)
        std::uint64_t rows = 0;
    };
    ReportedSpend spend_between(std::string_view campaign, feeds::Platform platform, std::int64_t from_us,
                                std::int64_t to_us) const;

    // {"platform_reports":[...]}-style array: per campaign and platform, the
    // reported totals and the UTC hour (and day) buckets covered.
    void write_json(JsonWriter& j) const;

private:
    struct Key {
        std::string campaign;
        feeds::Platform platform;
        std::int64_t bucket_us;
        feeds::Granularity granularity;
        auto operator<=>(const Key&) const = default;
    };

    void add_locked(const feeds::Event& event);

    mutable std::mutex mu_;                 // see the header comment: report requests and ticks only
    std::unordered_set<std::string> seen_;  // event ids (platform:campaign:bucket:revision)
    std::map<Key, feeds::SpendFigures> rows_;
};

}  // namespace bidline
