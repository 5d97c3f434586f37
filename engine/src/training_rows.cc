#include "bidline/engine/training_rows.h"

#include "bidline/engine/feature_context_from_request.h"

namespace bidline {

bool TrainingRowBuilder::add(const ReplayRecord& record, std::span<float, models::kFeatureCount> row,
                             OpenRtbError& error) {
    request_.clear();
    error = parser_.parse(record.request, request_);
    if (error) return false;
    models::FeatureContext c = feature_context_from_request(request_, 0, record.ts_us, utc_offset_minutes_);

    key_.assign(c.app_bundle.empty() ? c.site_domain : c.app_bundle);
    models::OutcomeStats& stats = site_stats_[key_];
    c.stats = stats;
    c.stats.present = true;  // zero counts are knowledge too: the prior alone
    const models::OutcomeStats& all = all_sites_;
    c.stats.prior_ctr = (all.clicks + models::kPriorCtr * models::kPriorImpressions) / (all.impressions + models::kPriorImpressions);
    c.stats.prior_cvr = (all.conversions + models::kPriorCvr * models::kPriorClicks) / (all.clicks + models::kPriorClicks);

    const std::string_view user = !request_.user.id.empty() ? request_.user.id : request_.device.ifa;
    if (!user.empty()) {
        auto [it, first] = last_seen_us_.try_emplace(std::string(user), record.ts_us);
        if (!first) {
            c.seconds_since_last_seen = static_cast<double>(record.ts_us - it->second) / 1e6;
            it->second = record.ts_us;
        }
    }
    models::FeatureBuilder::build(c, row);

    for (models::OutcomeStats* s : {&stats, &all_sites_}) {
        s->impressions += 1;
        s->clicks += record.click ? 1 : 0;
        s->conversions += record.conversion ? 1 : 0;
    }
    return true;
}

}  // namespace bidline
