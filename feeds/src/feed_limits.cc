#include "bidline/feeds/feed_limits.h"

namespace bidline::feeds {

FeedError check_body_size(std::size_t body_bytes, std::size_t max_bytes) {
    if (body_bytes <= max_bytes) return {};
    return FeedError::format(FeedErrc::body_too_large, "body is %zu bytes, the limit is %zu", body_bytes, max_bytes);
}

}  // namespace bidline::feeds
