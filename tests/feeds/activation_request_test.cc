// Activation request shapes: each adjustment becomes exactly the request
// the platform's API documents (path, content type, body, auth header),
// and what cannot be sent (missing account ids, non-numeric ids) is an
// error naming what is missing.
#include <gtest/gtest.h>

#include "bidline/feeds/activation_request.h"

namespace bidline::feeds {
namespace {

PlatformAdjustment adj(Platform p, std::string id, AdjustedField f, std::int64_t micros, double value = 0) {
    PlatformAdjustment a;
    a.seq = 7;
    a.platform = p;
    a.platform_campaign_id = std::move(id);
    a.field = f;
    a.value_micros = micros;
    a.value = value;
    return a;
}

PlatformAccount account() {
    PlatformAccount acct;
    acct.google_customer_id = "1234567890";
    acct.google_developer_token = "devtok";
    acct.google_login_customer_id = "9876543210";
    acct.google_budget_ids = {{"111", "555"}};
    acct.tiktok_advertiser_id = "7000000000001";
    return acct;
}

PlatformRequest request(const PlatformAdjustment& a) {
    std::string error;
    auto r = platform_request(a, account(), error);
    EXPECT_TRUE(r.has_value()) << error;
    return r.value_or(PlatformRequest{});
}

TEST(ActivationRequest, GoogleAdsBudgetIsACampaignBudgetMutate) {
    const PlatformRequest r = request(adj(Platform::google_ads, "111", AdjustedField::daily_budget, 42'500'000));
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v17/customers/1234567890/campaignBudgets:mutate");
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body,
              R"({"operations":[{"update":{"resourceName":"customers/1234567890/campaignBudgets/555","amountMicros":"42500000"},"updateMask":"amount_micros"}]})");
    EXPECT_EQ(r.auth_header, "Authorization");
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"developer-token", "devtok"}));
    EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"login-customer-id", "9876543210"}));
}

TEST(ActivationRequest, GoogleAdsBidsAreCampaignMutatesWithTheirMask) {
    EXPECT_EQ(request(adj(Platform::google_ads, "111", AdjustedField::target_cpa, 8'000'000)).body,
              R"({"operations":[{"update":{"resourceName":"customers/1234567890/campaigns/111","targetCpa":{"targetCpaMicros":"8000000"}},"updateMask":"target_cpa.target_cpa_micros"}]})");
    const PlatformRequest roas = request(adj(Platform::google_ads, "111", AdjustedField::target_roas, 0, 3.5));
    EXPECT_EQ(roas.path, "/v17/customers/1234567890/campaigns:mutate");
    EXPECT_EQ(roas.body,
              R"({"operations":[{"update":{"resourceName":"customers/1234567890/campaigns/111","targetRoas":{"targetRoas":3.5}},"updateMask":"target_roas.target_roas"}]})");
    EXPECT_EQ(request(adj(Platform::google_ads, "111", AdjustedField::max_cpc, 750'000)).body,
              R"({"operations":[{"update":{"resourceName":"customers/1234567890/campaigns/111","targetSpend":{"cpcBidCeilingMicros":"750000"}},"updateMask":"target_spend.cpc_bid_ceiling_micros"}]})");
}

TEST(ActivationRequest, MetaUpdatesTheAdSetInMinorUnits) {
    const PlatformRequest budget = request(adj(Platform::meta, "23850000000001", AdjustedField::daily_budget, 50'000'000));
    EXPECT_EQ(budget.path, "/v19.0/23850000000001");
    EXPECT_EQ(budget.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(budget.body, "daily_budget=5000");
    EXPECT_EQ(budget.auth_header, "Authorization");
    EXPECT_TRUE(budget.headers.empty());
    EXPECT_EQ(request(adj(Platform::meta, "23850000000001", AdjustedField::target_cpa, 8'004'999)).body, "bid_amount=800");
    EXPECT_EQ(request(adj(Platform::meta, "23850000000001", AdjustedField::target_roas, 0, 3.5)).body,
              "bid_constraints=%7B%22roas_average_floor%22%3A35000%7D");
}

TEST(ActivationRequest, TikTokUpdatesTheAdGroup) {
    const PlatformRequest budget = request(adj(Platform::tiktok, "1700000000000002", AdjustedField::daily_budget, 120'500'000));
    EXPECT_EQ(budget.path, "/open_api/v1.3/adgroup/budget/update/");
    EXPECT_EQ(budget.body, R"({"advertiser_id":"7000000000001","budget":[{"adgroup_id":"1700000000000002","budget":120.5}]})");
    EXPECT_EQ(budget.auth_header, "Access-Token");
    const PlatformRequest cpa = request(adj(Platform::tiktok, "1700000000000002", AdjustedField::target_cpa, 8'000'000));
    EXPECT_EQ(cpa.path, "/open_api/v1.3/adgroup/update/");
    EXPECT_EQ(cpa.body, R"({"advertiser_id":"7000000000001","adgroup_id":"1700000000000002","conversion_bid_price":8})");
    EXPECT_EQ(request(adj(Platform::tiktok, "1700000000000002", AdjustedField::max_cpc, 250'000)).body,
              R"({"advertiser_id":"7000000000001","adgroup_id":"1700000000000002","bid_price":0.25})");
    EXPECT_EQ(request(adj(Platform::tiktok, "1700000000000002", AdjustedField::target_roas, 0, 2.25)).body,
              R"({"advertiser_id":"7000000000001","adgroup_id":"1700000000000002","roas_bid":2.25})");
}

TEST(ActivationRequest, WhatCannotBeSentSaysWhy) {
    std::string error;
    PlatformAccount none;
    EXPECT_FALSE(platform_request(adj(Platform::google_ads, "111", AdjustedField::target_cpa, 1), none, error));
    EXPECT_EQ(error, "google_ads: the customer id (digits, no dashes) is not configured");
    EXPECT_FALSE(platform_request(adj(Platform::google_ads, "222", AdjustedField::daily_budget, 1), account(), error));
    EXPECT_EQ(error, "google_ads: no CampaignBudget id for campaign 222");
    EXPECT_FALSE(platform_request(adj(Platform::tiktok, "1", AdjustedField::daily_budget, 1), none, error));
    EXPECT_EQ(error, "tiktok: the advertiser id is not configured");
    EXPECT_FALSE(platform_request(adj(Platform::meta, "12/../me", AdjustedField::daily_budget, 1), account(), error));
    EXPECT_EQ(error, "platform_campaign_id \"12/../me\": expected the platform's numeric id");
    EXPECT_FALSE(platform_request(adj(Platform::meta, "12", AdjustedField::daily_budget, 0), account(), error));
    EXPECT_EQ(error, "value_micros: expected a positive amount");
}

TEST(ActivationRequest, UnitsAreExactDecimals) {
    EXPECT_EQ(units_text(8'000'000), "8");
    EXPECT_EQ(units_text(250'000), "0.25");
    EXPECT_EQ(units_text(1), "0.000001");
    EXPECT_EQ(units_text(-1'500'000), "-1.5");
}

}  // namespace
}  // namespace bidline::feeds
