// Activation connectors, the request half: one bid or budget adjustment of a
// platform-managed campaign (GET /v1/adjustments) as the HTTP request the
// platform's API documents for that change. Pure: no sockets, no
// credentials (the sender adds the token in `auth_header`), so every shape
// is unit-tested exactly. Shapes (API versions in kGoogleAdsVersion etc.):
//
//   Google Ads   POST /v17/customers/{cid}/campaignBudgets:mutate  amount_micros      (daily_budget)
//                POST /v17/customers/{cid}/campaigns:mutate        target_cpa.target_cpa_micros,
//                     target_roas.target_roas, target_spend.cpc_bid_ceiling_micros (bids)
//                headers: Authorization: Bearer, developer-token, login-customer-id (optional)
//   Meta         POST /v19.0/{ad_set_id}  form: daily_budget | bid_amount (minor units),
//                     bid_constraints={"roas_average_floor":ROAS×10000}; Authorization: Bearer
//   TikTok       POST /open_api/v1.3/adgroup/budget/update/  {"advertiser_id","budget":[{"adgroup_id","budget"}]}
//                POST /open_api/v1.3/adgroup/update/  bid_price | conversion_bid_price | roas_bid; Access-Token
//
// Every request sets an absolute value, never a delta, so sending it twice
// (a retry after a lost answer) leaves the platform where one send would.
//
// Threads: pure functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bidline/feeds/event.h"

namespace bidline::feeds {

inline constexpr const char* kGoogleAdsVersion = "v17";
inline constexpr const char* kMetaGraphVersion = "v19.0";
inline constexpr const char* kTikTokApiVersion = "v1.3";

enum class AdjustedField : std::uint8_t { target_cpa, target_roas, max_cpc, daily_budget };
// The names GET /v1/adjustments uses: "target_cpa", "target_roas", "max_cpc", "daily_budget".
std::string_view to_string(AdjustedField field);
std::optional<AdjustedField> adjusted_field_from_name(std::string_view name);

// One entry of GET /v1/adjustments.
struct PlatformAdjustment {
    std::uint64_t seq = 0;
    Platform platform = Platform::unspecified;
    std::string platform_campaign_id;  // Google Ads campaign, Meta ad set, TikTok ad group
    AdjustedField field = AdjustedField::daily_budget;
    std::int64_t value_micros = 0;  // money fields, in micros of the account currency
    double value = 0;               // target_roas: the ratio (3.5 = 350 %)
};

// Account-level ids the platform's API wants beside the campaign's own.
struct PlatformAccount {
    std::string google_customer_id;         // digits, no dashes
    std::string google_login_customer_id;   // manager account, optional
    std::string google_developer_token;     // not a secret per Google, but sent as a header
    std::map<std::string, std::string> google_budget_ids;  // campaign id → its CampaignBudget id
    std::string tiktok_advertiser_id;
};

struct PlatformRequest {
    std::string method = "POST";
    std::string path;  // appended to the configured base URL
    std::string content_type;
    std::string body;
    // Where the credential goes: "Authorization" (the sender writes
    // "Bearer <token>") or "Access-Token" (the token itself).
    std::string auth_header;
    std::vector<std::pair<std::string, std::string>> headers;  // everything else
};

// The request for `a`, or nullopt with `error` saying what is missing
// (an account id, a budget id, a field the platform does not take).
std::optional<PlatformRequest> platform_request(const PlatformAdjustment& a, const PlatformAccount& account,
                                                std::string& error);

// "8", "0.25", "12.5": micros as a decimal in currency units, exactly.
std::string units_text(std::int64_t micros);

}  // namespace bidline::feeds
