// Fuzzes the Google Ads, Meta and TikTok report parsers (the first byte
// picks one). Besides memory errors it checks: a failed parse leaves no
// rows; a successful one yields non-negative figures and hour-aligned UTC
// buckets, and every row is either mapped or listed as unmapped.
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address -I feeds/include -I feeds/src -I config/include \
//   -I build-feeds/feeds/generated tests/fuzz/platform_report_fuzz.cc feeds/src/report_fields.cc \
//   feeds/src/google_ads_report.cc feeds/src/meta_report.cc feeds/src/tiktok_report.cc \
//   feeds/src/event_names.cc feeds/src/feed_error.cc feeds/src/time_text.cc -lsimdjson
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "bidline/feeds/spend_report.h"
#include "bidline/feeds/time_text.h"


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bidline::feeds;
    if (size == 0) return 0;
    static const CampaignMapping mapping{{"111", bidline::CampaignId{"a"}}, {"1", bidline::CampaignId{"b"}}};
    const ReportContext context{.campaigns = &mapping, .account_utc_offset = std::chrono::minutes{-330}};
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    SpendReport report;
    FeedError error;
    switch (data[0] % 3) {
        case 0: error = parse_google_ads_report(json, context, report); break;
        case 1: error = parse_meta_report(json, context, report); break;
        default: error = parse_tiktok_report(json, context, report); break;
    }
    if (!error.ok()) {
        check(report.rows.empty() && report.unmapped.empty() && !error.message().empty());
        return 0;
    }
    for (const SpendReportRow& r : report.rows) {
        check(r.spend.value() >= 0 && r.impressions >= 0 && r.clicks >= 0 && r.conversions >= 0);
        check(r.conversion_value.value() >= 0);
        // -05:30 shifts local hours by half an hour in UTC.
        check((r.bucket_start + std::chrono::minutes{30}) == hour_bucket(r.bucket_start + std::chrono::minutes{30}));
        check(mapping.contains(r.platform_campaign_id));
    }
    for (const UnmappedRow& u : report.unmapped) check(!mapping.contains(u.platform_campaign_id));
    return 0;
}
