// The campaign status workflow of the admin API:
//
//   draft → pending_review → approved → active ⇄ paused → completed → archived
//
// (a reviewer may send a campaign back to draft; draft, pending_review,
// approved and paused campaigns may be archived directly). Only `active`
// campaigns bid. A move into `active` must pass the pre-launch checks.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/campaign_model.h"

namespace bidline {

enum class CampaignStatus : std::uint8_t { draft, pending_review, approved, active, paused, completed, archived };

std::string_view to_string(CampaignStatus);
std::optional<CampaignStatus> parse_campaign_status(std::string_view);

// The statuses `from` may move to, in workflow order.
std::vector<CampaignStatus> next_statuses(CampaignStatus from);
bool transition_allowed(CampaignStatus from, CampaignStatus to);

// A problem with one field, as the admin API reports it.
struct FieldError {
    std::string field;
    std::string reason;
};

// What keeps campaign `id` of `model` from going live: a daily budget (its
// own, or every line item's), start and end dates, at least one line item,
// each with a creative and non-empty targeting. Empty = ready.
std::vector<FieldError> prelaunch_problems(const CampaignModel& model, std::string_view id);

}  // namespace bidline
