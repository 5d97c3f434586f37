#include "bidline/feeds/activation_request.h"

#include <cmath>
#include <cstdio>

namespace bidline::feeds {

namespace {

// Platform ids are digits (Google, Meta, TikTok all use numeric ids); anything
// else would end up inside a URL path or a JSON string unescaped.
bool numeric_id(const std::string& id) {
    if (id.empty() || id.size() > 32) return false;
    for (char c : id)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string roas_text(double roas) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", roas);
    return buf;
}

std::optional<PlatformRequest> google_ads(const PlatformAdjustment& a, const PlatformAccount& acct, std::string& error) {
    if (!numeric_id(acct.google_customer_id)) {
        error = "google_ads: the customer id (digits, no dashes) is not configured";
        return std::nullopt;
    }
    const std::string customer = "customers/" + acct.google_customer_id;
    PlatformRequest r;
    r.content_type = "application/json";
    r.auth_header = "Authorization";
    r.headers.emplace_back("developer-token", acct.google_developer_token);
    if (!acct.google_login_customer_id.empty()) r.headers.emplace_back("login-customer-id", acct.google_login_customer_id);
    const std::string micros = "\"" + std::to_string(a.value_micros) + "\"";  // int64 fields are JSON strings in the REST API
    if (a.field == AdjustedField::daily_budget) {
        const auto budget = acct.google_budget_ids.find(a.platform_campaign_id);
        if (budget == acct.google_budget_ids.end() || !numeric_id(budget->second)) {
            error = "google_ads: no CampaignBudget id for campaign " + a.platform_campaign_id;
            return std::nullopt;
        }
        r.path = std::string("/") + kGoogleAdsVersion + "/" + customer + "/campaignBudgets:mutate";
        r.body = R"({"operations":[{"update":{"resourceName":")" + customer + "/campaignBudgets/" + budget->second +
                 R"(","amountMicros":)" + micros + R"(},"updateMask":"amount_micros"}]})";
        return r;
    }
    std::string update, mask;
    switch (a.field) {
        case AdjustedField::target_cpa:
            update = R"("targetCpa":{"targetCpaMicros":)" + micros + "}";
            mask = "target_cpa.target_cpa_micros";
            break;
        case AdjustedField::target_roas:
            update = R"("targetRoas":{"targetRoas":)" + roas_text(a.value) + "}";
            mask = "target_roas.target_roas";
            break;
        default:  // max_cpc: Maximize Clicks' CPC ceiling
            update = R"("targetSpend":{"cpcBidCeilingMicros":)" + micros + "}";
            mask = "target_spend.cpc_bid_ceiling_micros";
            break;
    }
    r.path = std::string("/") + kGoogleAdsVersion + "/" + customer + "/campaigns:mutate";
    r.body = R"({"operations":[{"update":{"resourceName":")" + customer + "/campaigns/" + a.platform_campaign_id +
             "\"," + update + R"(},"updateMask":")" + mask + R"("}]})";
    return r;
}

// Meta takes money in the account currency's minor units (cents).
std::optional<PlatformRequest> meta(const PlatformAdjustment& a, std::string& error) {
    PlatformRequest r;
    r.path = std::string("/") + kMetaGraphVersion + "/" + a.platform_campaign_id;
    r.content_type = "application/x-www-form-urlencoded";
    r.auth_header = "Authorization";
    const std::int64_t cents = (a.value_micros + 5'000) / 10'000;
    switch (a.field) {
        case AdjustedField::daily_budget: r.body = "daily_budget=" + std::to_string(cents); break;
        case AdjustedField::target_cpa:
        case AdjustedField::max_cpc: r.body = "bid_amount=" + std::to_string(cents); break;
        case AdjustedField::target_roas:
            // {"roas_average_floor":35000} = 3.5, URL-encoded.
            r.body = "bid_constraints=%7B%22roas_average_floor%22%3A" +
                     std::to_string(static_cast<std::int64_t>(std::llround(a.value * 10'000))) + "%7D";
            break;
    }
    (void)error;
    return r;
}

std::optional<PlatformRequest> tiktok(const PlatformAdjustment& a, const PlatformAccount& acct, std::string& error) {
    if (!numeric_id(acct.tiktok_advertiser_id)) {
        error = "tiktok: the advertiser id is not configured";
        return std::nullopt;
    }
    PlatformRequest r;
    r.content_type = "application/json";
    r.auth_header = "Access-Token";
    const std::string base = std::string("/open_api/") + kTikTokApiVersion + "/adgroup/";
    const std::string advertiser = R"({"advertiser_id":")" + acct.tiktok_advertiser_id + "\",";
    if (a.field == AdjustedField::daily_budget) {
        r.path = base + "budget/update/";
        r.body = advertiser + R"("budget":[{"adgroup_id":")" + a.platform_campaign_id +
                 R"(","budget":)" + units_text(a.value_micros) + "}]}";
        return r;
    }
    r.path = base + "update/";
    const std::string field = a.field == AdjustedField::target_cpa    ? "conversion_bid_price"
                              : a.field == AdjustedField::target_roas ? "roas_bid"
                                                                      : "bid_price";
    const std::string value = a.field == AdjustedField::target_roas ? roas_text(a.value) : units_text(a.value_micros);
    r.body = advertiser + R"("adgroup_id":")" + a.platform_campaign_id + R"(",")" + field + "\":" + value + "}";
    return r;
}

}  // namespace

std::string_view to_string(AdjustedField field) {
    switch (field) {
        case AdjustedField::target_cpa: return "target_cpa";
        case AdjustedField::target_roas: return "target_roas";
        case AdjustedField::max_cpc: return "max_cpc";
        case AdjustedField::daily_budget: return "daily_budget";
    }
    return "unknown";
}

std::optional<AdjustedField> adjusted_field_from_name(std::string_view name) {
    for (AdjustedField f : {AdjustedField::target_cpa, AdjustedField::target_roas, AdjustedField::max_cpc,
                            AdjustedField::daily_budget})
        if (name == to_string(f)) return f;
    return std::nullopt;
}

std::string units_text(std::int64_t micros) {
    const bool negative = micros < 0;
    const std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
    std::string out = (negative ? "-" : "") + std::to_string(m / 1'000'000);
    std::uint64_t frac = m % 1'000'000;
    if (frac == 0) return out;
    char digits[8];
    std::snprintf(digits, sizeof digits, "%06llu", static_cast<unsigned long long>(frac));
    std::string f = digits;
    while (f.back() == '0') f.pop_back();
    return out + "." + f;
}

std::optional<PlatformRequest> platform_request(const PlatformAdjustment& a, const PlatformAccount& account,
                                                std::string& error) {
    if (!numeric_id(a.platform_campaign_id)) {
        error = "platform_campaign_id \"" + a.platform_campaign_id + "\": expected the platform's numeric id";
        return std::nullopt;
    }
    if (a.field != AdjustedField::target_roas && a.value_micros <= 0) {
        error = "value_micros: expected a positive amount";
        return std::nullopt;
    }
    switch (a.platform) {
        case Platform::google_ads: return google_ads(a, account, error);
        case Platform::meta: return meta(a, error);
        case Platform::tiktok: return tiktok(a, account, error);
        default: error = "platform: expected google_ads, meta or tiktok"; return std::nullopt;
    }
}

}  // namespace bidline::feeds
