// Conversion paths from the engine's own event log, for multi-touch
// attribution (models/attribution): per user, the channels that touched
// them, in log order, until a conversion closes the path.
//
// Who the user is: the event's `user_id`, else — for our own bids — the
// user of the logged bid request that placed the bid (user.id, else
// device.ifa; needs `--log-requests` sampled or full). Touches: a served
// impression (a `win` or `impression` event, once per bid) and each
// `click`. The channel is the event's campaign (or the logged bid's), else
// its line item (`Channel::line_item` uses line items throughout). A
// conversion closes the user's path with its value; touches left open at the
// end of the log are null paths (for Markov with nulls).
//
// Bounded memory: at most `max_users` open paths (further users are not
// followed and are counted), `max_touches` per path (the oldest drop), and
// `max_bids` remembered bid → user entries (~150 B each; the log's last
// ones are kept). The log is read twice: requests first, then events.
// Closed paths are merged as they close, so memory grows with distinct
// paths, not with the log. Off the bid path: a tool reads the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bidline/models/attribution/conversion_path.h"

namespace bidline {

struct LogPathOptions {
    enum class Channel { campaign, line_item } channel = Channel::campaign;
    std::size_t max_users = std::size_t{1} << 20;
    std::size_t max_touches = 64;
    std::size_t max_bids = std::size_t{1} << 20;
};

struct LogPaths {
    std::vector<attribution::ConversionPath> paths;  // merged, sorted by touchpoints
    std::uint64_t touches = 0;
    std::uint64_t conversions = 0;                   // that closed a path with touches
    std::uint64_t conversions_without_touches = 0;   // the user's path was empty
    std::uint64_t events_without_user = 0;           // touches and conversions nobody could be named for
    std::uint64_t users_not_followed = 0;            // beyond max_users
};

// `log` is a data directory's events/ directory or one segment file.
// Throws std::runtime_error naming the file on a damaged log.
LogPaths conversion_paths_from_log(const std::string& log, const LogPathOptions& options = {});

}  // namespace bidline
