#include "bidline/engine/campaign_workflow.h"

#include <array>

namespace bidline {
namespace {

constexpr std::array<std::string_view, 7> kNames = {"draft",  "pending_review", "approved", "active",
                                                    "paused", "completed",      "archived"};

bool targeting_empty(const Targeting& t) {
    return t.media.empty() && t.sizes.empty() && t.countries.empty() && t.regions.empty() && t.device_types.empty() &&
           t.domains_allow.empty() && t.bundles_allow.empty();
}

}  // namespace

std::string_view to_string(CampaignStatus s) { return kNames[static_cast<std::size_t>(s)]; }

std::optional<CampaignStatus> parse_campaign_status(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<CampaignStatus>(i);
    return std::nullopt;
}

std::vector<CampaignStatus> next_statuses(CampaignStatus from) {
    using S = CampaignStatus;
    switch (from) {
        case S::draft:
            return {S::pending_review, S::archived};
        case S::pending_review:
            return {S::draft, S::approved, S::archived};
        case S::approved:
            return {S::active, S::archived};
        case S::active:
            return {S::paused, S::completed};
        case S::paused:
            return {S::active, S::completed, S::archived};
        case S::completed:
            return {S::archived};
        case S::archived:
            return {};
    }
    return {};
}

bool transition_allowed(CampaignStatus from, CampaignStatus to) {
    for (CampaignStatus s : next_statuses(from))
        if (s == to) return true;
    return false;
}

std::vector<FieldError> prelaunch_problems(const CampaignModel& model, std::string_view id) {
    std::vector<FieldError> out;
    const Campaign* c = nullptr;
    for (const Campaign& k : model.campaigns)
        if (k.id.value == id) c = &k;
    if (c == nullptr) return {{"id", "no such campaign"}};
    if (!c->start.ok()) out.push_back({"start", "a flight start date is required"});
    if (!c->end.ok()) out.push_back({"end", "a flight end date is required"});
    bool any = false, every_budgeted = true;
    for (const LineItem& li : model.line_items) {
        if (li.campaign.value != id) continue;
        any = true;
        every_budgeted = every_budgeted && li.daily_budget.value() > 0;
        const std::string at = "line_items." + li.id.value;
        if (li.creatives.empty()) out.push_back({at + ".creatives", "at least one creative is required"});
        if (targeting_empty(li.targeting)) out.push_back({at + ".targeting", "targeting must not be empty"});
    }
    if (!any) out.push_back({"line_items", "at least one line item is required"});
    if (c->daily_budget.value() <= 0 && !(any && every_budgeted))
        out.push_back({"daily_budget", "a daily budget is required (the campaign's, or each line item's)"});
    return out;
}

}  // namespace bidline
