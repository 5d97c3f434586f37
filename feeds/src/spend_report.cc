#include <cstdio>

#include "bidline/feeds/spend_report.h"

namespace bidline::feeds {

Event to_event(const SpendReportRow& row, std::string_view revision) {
    Event e;
    e.kind = EventKind::spend_report;
    e.platform = row.platform;
    e.ts = row.bucket_start;
    char id[256];
    const int n = std::snprintf(id, sizeof id, "%s:%s:%lld:%.*s", to_string(row.platform).data(),
                                row.platform_campaign_id.c_str(),
                                static_cast<long long>(row.bucket_start.time_since_epoch().count()),
                                static_cast<int>(revision.size()), revision.data());
    // Ids past 63 bytes are cut: platform campaign ids are short numbers.
    (void)e.event_id.assign(std::string_view(id, std::min<std::size_t>(static_cast<std::size_t>(n), EventText::kCapacity)));
    (void)e.campaign_id.assign(row.campaign.value);
    (void)e.source.assign(to_string(row.platform));
    e.spend = SpendFigures{.spend = row.spend,
                           .impressions = row.impressions,
                           .clicks = row.clicks,
                           .conversions = row.conversions,
                           .conversion_value = row.conversion_value,
                           .bucket_start = row.bucket_start,
                           .granularity = row.granularity};
    return e;
}

}  // namespace bidline::feeds
