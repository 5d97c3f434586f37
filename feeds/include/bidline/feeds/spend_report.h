// The one metrics model that Google Ads, Meta and TikTok reports are
// normalised to: our campaign id, a UTC bucket start, money in account
// currency micros. Platforms report in the ad account's time zone; the
// caller gives that zone as a fixed UTC offset (libstdc++ 12 has no zone
// database), so a DST account must pass the offset in force for the
// report's dates, and reports should not straddle a DST change.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "bidline/config/ids.h"
#include "bidline/config/money.h"
#include "bidline/feeds/event.h"
#include "bidline/feeds/feed_error.h"

namespace bidline::feeds {

// Platform campaign id (as the platform prints it) → our campaign.
using CampaignMapping = std::unordered_map<std::string, CampaignId>;

struct SpendReportRow {
    Platform platform = Platform::unspecified;
    std::string platform_campaign_id;
    CampaignId campaign;
    UtcMicros bucket_start{};  // start of the local hour (or local day) in UTC
    Granularity granularity = Granularity::hour;
    Micros spend;
    std::int64_t impressions = 0;
    std::int64_t clicks = 0;
    double conversions = 0;  // fractional under data-driven attribution
    Micros conversion_value;
    bool operator==(const SpendReportRow&) const = default;
};

// A row whose platform campaign has no mapping: reported back to the
// caller, not silently dropped, and not counted.
struct UnmappedRow {
    std::string json_path;
    std::string platform_campaign_id;
    bool operator==(const UnmappedRow&) const = default;
};

struct SpendReport {
    std::vector<SpendReportRow> rows;
    std::vector<UnmappedRow> unmapped;
};

struct ReportContext {
    const CampaignMapping* campaigns = nullptr;
    // Local account time = UTC + offset (UTC-08:00 → -480 min).
    std::chrono::minutes account_utc_offset{0};
    // Meta reports one purchase under several action types; the first of
    // these present in a row is taken (they are alternatives, never summed).
    std::vector<std::string> meta_conversion_action_types = {"offsite_conversion.fb_pixel_purchase", "purchase",
                                                             "omni_purchase"};
    std::string tiktok_conversions_metric = "conversion";
    std::string tiktok_value_metric = "total_complete_payment_rate";
};

// Each parser reads a whole report body; on error `out` is left empty and
// the message names the JSON path ("results[3].metrics.costMicros: ...").
[[nodiscard]] FeedError parse_google_ads_report(std::string_view json, const ReportContext& context,
                                                SpendReport& out);
[[nodiscard]] FeedError parse_meta_report(std::string_view json, const ReportContext& context, SpendReport& out);
[[nodiscard]] FeedError parse_tiktok_report(std::string_view json, const ReportContext& context, SpendReport& out);

// The spend_report event for the log. Its event id names platform, campaign
// and bucket, so a re-sent report dedupes; a restated figure needs a new
// report id in `revision` (e.g. the fetch time).
Event to_event(const SpendReportRow& row, std::string_view revision);

}  // namespace bidline::feeds
