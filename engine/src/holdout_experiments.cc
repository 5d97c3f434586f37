#include "bidline/engine/holdout_experiments.h"

#include "bidline/engine/shard_event.h"
#include "bidline/models/experiments/assignment.h"
#include "bidline/models/experiments/incrementality.h"

namespace bidline {
namespace {

bool held_out(std::uint64_t experiment_key, double share, std::uint64_t user) {
    return experiments::assignment_hash(experiment_key, user) < share;
}

void write_group(JsonWriter& j, std::string_view name, std::uint64_t users, std::uint64_t converters,
                 std::uint64_t conversions, std::int64_t value) {
    j.key(name).begin_object()
        .field("users", users)
        .field("converters", converters)
        .field("conversions", conversions)
        .field("value_micros", value)
        .end_object();
}

void write_estimate(JsonWriter& j, std::string_view name, const experiments::Estimate& e) {
    j.key(name).begin_object().field("value", e.value).field("low", e.low).field("high", e.high).end_object();
}

}  // namespace

const CompiledCampaign* HoldoutExperiments::campaign_of(const Catalog& catalog, std::uint32_t line_item) const {
    if (line_item >= catalog.line_item_capacity()) return nullptr;
    const CompiledLineItem& li = catalog.line_item(LineItemIndex{line_item});
    return li.present ? li.campaign : nullptr;
}

HoldoutExperiments::Experiment* HoldoutExperiments::of(const CompiledCampaign& campaign) {
    if (campaign.holdout_share <= 0) return nullptr;
    Experiment& x = by_campaign_[campaign.model.id.value];
    if (x.key != campaign.experiment_key || x.share != campaign.holdout_share) {
        x = Experiment{};  // another assignment: earlier counts describe other groups
        x.key = campaign.experiment_key;
        x.share = campaign.holdout_share;
        x.advertiser = campaign.model.advertiser.value;
    }
    return &x;
}

void HoldoutExperiments::note_user(const Catalog& catalog, std::uint32_t line_item, std::uint64_t user) {
    const CompiledCampaign* c = campaign_of(catalog, line_item);
    Experiment* x = c ? of(*c) : nullptr;
    if (x == nullptr || user == 0 || x->converted.contains(user)) return;
    if (x->converted.size() >= max_users_) {
        ++x->users_untracked;
        return;
    }
    x->converted.emplace(user, false);
    ++(held_out(x->key, x->share, user) ? x->holdout : x->exposed).users;
}

void HoldoutExperiments::note_conversion(const Catalog& catalog, std::uint32_t line_item, std::uint64_t user,
                                         std::int64_t value) {
    if (user == 0) return;
    const CompiledCampaign* named = line_item == kNoLineItem ? nullptr : campaign_of(catalog, line_item);
    for (const CompiledCampaign& c : catalog.campaigns()) {
        if (named != nullptr && c.model.advertiser != named->model.advertiser) continue;
        Experiment* x = of(c);
        if (x == nullptr) continue;
        const auto it = x->converted.find(user);
        if (it == x->converted.end()) continue;  // never met in this campaign: not in either group
        Group& g = held_out(x->key, x->share, user) ? x->holdout : x->exposed;
        ++g.conversions;
        g.value += value;
        if (!it->second) {
            it->second = true;
            ++g.converters;
        }
    }
}

void HoldoutExperiments::note_spend(const Catalog& catalog, std::uint32_t line_item, std::int64_t micros) {
    const CompiledCampaign* c = campaign_of(catalog, line_item);
    if (Experiment* x = c ? of(*c) : nullptr) x->spend += micros;
}

void HoldoutExperiments::write(JsonWriter& j, const Catalog& catalog) const {
    j.key("experiments").begin_array();
    for (const CompiledCampaign& c : catalog.campaigns()) {
        if (c.holdout_share <= 0) continue;
        const auto found = by_campaign_.find(c.model.id.value);
        const Experiment none;
        const Experiment& x = found != by_campaign_.end() && found->second.key == c.experiment_key ? found->second : none;
        j.begin_object()
            .field("campaign", c.model.id.value)
            .field("experiment", c.model.experiment.id)
            .field("holdout_share", c.holdout_share)
            .field("spend_micros", x.spend)
            .field("users_untracked", x.users_untracked);
        write_group(j, "exposed", x.exposed.users, x.exposed.converters, x.exposed.conversions, x.exposed.value);
        write_group(j, "holdout", x.holdout.users, x.holdout.converters, x.holdout.conversions, x.holdout.value);
        if (x.exposed.users > 0 && x.holdout.users > 0) {
            // Conversions are counted per converting user (a rate needs it);
            // iROAS values each incremental converter at the mean value per converter.
            const std::uint64_t converters = x.exposed.converters + x.holdout.converters;
            const double value_per_converter =
                converters > 0 ? static_cast<double>(x.exposed.value + x.holdout.value) / 1e6 / static_cast<double>(converters) : 0;
            const auto r = experiments::measure_incrementality(
                {static_cast<std::int64_t>(x.exposed.converters), static_cast<std::int64_t>(x.exposed.users)},
                {static_cast<std::int64_t>(x.holdout.converters), static_cast<std::int64_t>(x.holdout.users)},
                static_cast<double>(x.spend) / 1e6, value_per_converter);
            write_estimate(j, "incremental_conversions", r.incremental_conversions);
            write_estimate(j, "lift", r.lift);
            if (x.spend > 0) write_estimate(j, "iroas", r.iroas);
            else j.key("iroas").null();
        } else {
            j.key("incremental_conversions").null().key("lift").null().key("iroas").null();
        }
        j.end_object();
    }
    j.end_array();
}

}  // namespace bidline
