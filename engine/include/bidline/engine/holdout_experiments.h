// Measuring campaigns' holdout experiments (Campaign::experiment) on the
// control thread: the bid path reports each user it meets in an experiment
// campaign (ShardEventKind::experiment_user); conversions that carry a user
// id are credited to the group the same stateless hash puts that user in.
// Per campaign: users, converting users, conversions and their value per
// group, the campaign's spend, and (experiments::measure_incrementality)
// incremental converting users, lift and iROAS with 95% intervals.
//
// Intent to treat: "exposed" are the eligible users not held out, whether
// or not we then won an auction for them, so both groups are drawn the same
// way and the comparison is unbiased (the effect is diluted by users we
// never reached). A conversion counts only for experiments the user is
// known in, and only for campaigns of the advertiser of the line item it
// names (all experiments when it names none).
//
// Memory: one entry (~40 B) per user per experiment, up to `max_users`;
// users beyond are not tracked (counted in `users_untracked`). Counts start
// with the process: the users met are not in the event log.
// Control thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "bidline/engine/catalog.h"
#include "bidline/engine/json_writer.h"

namespace bidline {

class HoldoutExperiments {
public:
    explicit HoldoutExperiments(std::size_t max_users = std::size_t{1} << 20) : max_users_(max_users) {}

    void note_user(const Catalog& catalog, std::uint32_t line_item, std::uint64_t user);
    // `line_item` may be kNoLineItem; `value` in micros.
    void note_conversion(const Catalog& catalog, std::uint32_t line_item, std::uint64_t user, std::int64_t value);
    void note_spend(const Catalog& catalog, std::uint32_t line_item, std::int64_t micros);

    // "experiments": [...] for /v1/stats, one entry per campaign of the catalog with an experiment.
    void write(JsonWriter& j, const Catalog& catalog) const;

private:
    struct Group {
        std::uint64_t users = 0, converters = 0, conversions = 0;
        std::int64_t value = 0;  // micros
    };
    struct Experiment {
        std::uint64_t key = 0;  // of the experiment id; a new id or share starts over
        double share = 0;
        std::string advertiser;
        std::unordered_map<std::uint64_t, bool> converted;  // by user key: the users met
        Group exposed, holdout;
        std::int64_t spend = 0;
        std::uint64_t users_untracked = 0;
    };
    // The campaign's experiment, (re)started when its settings changed; null without one.
    Experiment* of(const CompiledCampaign& campaign);
    const CompiledCampaign* campaign_of(const Catalog& catalog, std::uint32_t line_item) const;

    std::size_t max_users_;
    std::map<std::string, Experiment, std::less<>> by_campaign_;  // by campaign id: survives catalog swaps
};

}  // namespace bidline
