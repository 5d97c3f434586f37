// Catalog: the immutable, compiled form of the campaign model that the bid
// path reads. Built off the hot path (start-up, reload, admin changes) and
// published by pointer swap; never modified after publication, so any
// number of shards read it without synchronisation.
//
// Line items keep their dense index across rebuilds (build() takes the
// previous catalog), so per-line-item counters stay valid through a swap.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bidline/config/campaign_model.h"
#include "bidline/config/creative_markup.h"
#include "bidline/engine/targeting_index.h"

namespace bidline {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct CompiledCampaign {
    CampaignIndex index;
    Campaign model;
    const Advertiser* advertiser = nullptr;
    std::string timezone;  // effective: the campaign's, else the advertiser's
    // Holdout experiment, precomputed for the bid path: a user is held out
    // when assignment_hash(experiment_key, user key) < holdout_share
    // (0 = no experiment).
    std::uint64_t experiment_key = 0;
    double holdout_share = 0;
};

struct CompiledLineItem {
    LineItemIndex index;
    LineItem model;
    const CompiledCampaign* campaign = nullptr;
    bool present = false;  // false for indices of removed line items (holes)
    // Per creative (model.creatives order): its markup compiled for serving
    // (templates, native assets).
    std::vector<CreativeMarkup> markups;
};

class Catalog {
public:
    // Throws std::invalid_argument for a model the loader should have refused.
    static std::shared_ptr<const Catalog> build(const CampaignModel& model, const Catalog* previous = nullptr);

    std::uint64_t version() const { return version_; }
    // Dense index space: [0, line_item_capacity()); may contain holes.
    std::uint32_t line_item_capacity() const { return static_cast<std::uint32_t>(line_items_.size()); }
    const CompiledLineItem& line_item(LineItemIndex i) const { return line_items_[i.value]; }
    const std::vector<CompiledLineItem>& line_items() const { return line_items_; }
    const std::vector<CompiledCampaign>& campaigns() const { return campaigns_; }
    const CampaignModel& model() const { return model_; }
    const TargetingIndex& targeting() const { return targeting_; }

    const CompiledLineItem* find_line_item(std::string_view id) const;
    const CompiledCampaign* find_campaign(std::string_view id) const;

private:
    Catalog() = default;
    std::uint64_t version_ = 0;
    CampaignModel model_;
    std::vector<CompiledCampaign> campaigns_;
    std::vector<CompiledLineItem> line_items_;
    StringMap<std::uint32_t> line_item_by_id_;
    StringMap<std::uint32_t> campaign_by_id_;
    TargetingIndex targeting_;
};

}  // namespace bidline
