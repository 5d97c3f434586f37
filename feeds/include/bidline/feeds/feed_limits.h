// Size guard rails of the feed endpoints, checked before any parsing.
#pragma once

#include <cstddef>

#include "bidline/feeds/feed_error.h"

namespace bidline::feeds {

struct FeedLimits {
    std::size_t max_body_bytes = 8u << 20;     // one POST /v1/events or report body (413 beyond)
    std::size_t max_line_bytes = 16u << 10;    // one NDJSON event line
    std::size_t max_report_bytes = 32u << 20;  // platform reports are larger than event batches
};

// FeedErrc::body_too_large (HTTP 413) when `body_bytes` exceeds `max_bytes`.
[[nodiscard]] FeedError check_body_size(std::size_t body_bytes, std::size_t max_bytes);

}  // namespace bidline::feeds
