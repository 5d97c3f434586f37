// Feature rows for training, from replay records (NDJSON or the engine's
// native log) read in time order. Each row is built as the bid path would
// have built it at that moment: request fields through
// feature_context_from_request(), plus what earlier rows tell — smoothed
// CTR/CVR of the site (exchange logs carry no line item, so "line item ×
// site" is the site alone here, its prior the rate over all earlier rows)
// and the seconds since the user's previous
// request. A row's own outcome is counted only after its row is built, so
// nothing leaks from the future. Single-threaded; tools only (allocates).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "bidline/engine/openrtb_parser.h"
#include "bidline/feeds/replay_source.h"
#include "bidline/models/feature_builder.h"

namespace bidline {

class TrainingRowBuilder {
public:
    explicit TrainingRowBuilder(std::int32_t utc_offset_minutes) : utc_offset_minutes_(utc_offset_minutes) {}

    // Builds the row of the record's first imp. False (and the parser's
    // error in `error`) when the request does not parse.
    [[nodiscard]] bool add(const ReplayRecord& record, std::span<float, models::kFeatureCount> row,
                           OpenRtbError& error);

private:
    std::int32_t utc_offset_minutes_;
    OpenRtbParser parser_{std::size_t{1} << 20};
    BidRequestView request_;
    std::unordered_map<std::string, models::OutcomeStats> site_stats_;
    models::OutcomeStats all_sites_;  // the priors: rates over every earlier row
    std::unordered_map<std::string, std::int64_t> last_seen_us_;
    std::string key_;
};

}  // namespace bidline
