#include "bidline/engine/catalog.h"

#include <atomic>
#include <stdexcept>

#include "bidline/models/experiments/assignment.h"

namespace bidline {
namespace {
std::atomic<std::uint64_t> next_version{1};
}

std::shared_ptr<const Catalog> Catalog::build(const CampaignModel& model, const Catalog* previous) {
    std::shared_ptr<Catalog> c(new Catalog());
    c->version_ = next_version.fetch_add(1);
    c->model_ = model;

    StringMap<const Advertiser*> advertisers;
    for (const Advertiser& a : c->model_.advertisers) advertisers.emplace(a.id.value, &a);

    c->campaigns_.reserve(c->model_.campaigns.size());
    for (const Campaign& m : c->model_.campaigns) {
        auto adv = advertisers.find(m.advertiser.value);
        if (adv == advertisers.end()) throw std::invalid_argument("campaign " + m.id.value + ": unknown advertiser");
        CompiledCampaign cc;
        cc.index = CampaignIndex{static_cast<std::uint32_t>(c->campaigns_.size())};
        cc.model = m;
        cc.advertiser = adv->second;
        cc.timezone = m.timezone.empty() ? adv->second->timezone : m.timezone;
        if (m.experiment.active()) {
            cc.experiment_key = experiments::id_key(m.experiment.id);
            cc.holdout_share = m.experiment.holdout_share;
        }
        c->campaign_by_id_.emplace(m.id.value, cc.index.value);
        c->campaigns_.push_back(std::move(cc));
    }

    // Keep the dense index of every line item that survives from the
    // previous catalog; new ones take fresh indices after the old range.
    std::uint32_t next = previous ? previous->line_item_capacity() : 0;
    std::vector<std::uint32_t> index_of(c->model_.line_items.size());
    for (std::size_t k = 0; k < c->model_.line_items.size(); ++k) {
        const LineItem& li = c->model_.line_items[k];
        const CompiledLineItem* old = previous ? previous->find_line_item(li.id.value) : nullptr;
        index_of[k] = old ? old->index.value : next++;
    }
    c->line_items_.resize(next);
    for (std::uint32_t i = 0; i < next; ++i) c->line_items_[i].index = LineItemIndex{i};
    std::vector<const LineItem*> by_index(next, nullptr);
    for (std::size_t k = 0; k < c->model_.line_items.size(); ++k) {
        const LineItem& li = c->model_.line_items[k];
        auto camp = c->campaign_by_id_.find(li.campaign.value);
        if (camp == c->campaign_by_id_.end())
            throw std::invalid_argument("line item " + li.id.value + ": unknown campaign");
        if (!c->line_item_by_id_.emplace(li.id.value, index_of[k]).second)
            throw std::invalid_argument("line item " + li.id.value + ": duplicate id");
        CompiledLineItem& out = c->line_items_[index_of[k]];
        out.model = li;
        out.campaign = &c->campaigns_[camp->second];
        out.present = true;
        out.markups.resize(li.creatives.size());
        for (std::size_t i = 0; i < li.creatives.size(); ++i)
            if (auto problem = compile_markup(li.creatives[i], out.markups[i]))
                throw std::invalid_argument("creative " + li.creatives[i].id.value + ": " + problem->field + ": " + problem->reason);
    }
    for (std::uint32_t i = 0; i < next; ++i)
        if (c->line_items_[i].present) by_index[i] = &c->line_items_[i].model;
    c->targeting_.build(by_index);
    return c;
}

const CompiledLineItem* Catalog::find_line_item(std::string_view id) const {
    auto it = line_item_by_id_.find(id);
    return it == line_item_by_id_.end() ? nullptr : &line_items_[it->second];
}

const CompiledCampaign* Catalog::find_campaign(std::string_view id) const {
    auto it = campaign_by_id_.find(id);
    return it == campaign_by_id_.end() ? nullptr : &campaigns_[it->second];
}

}  // namespace bidline
