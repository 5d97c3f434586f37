#include "bidline/feeds/feed_error.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace bidline::feeds {

std::string_view to_string(FeedErrc code) {
    switch (code) {
        case FeedErrc::ok: return "ok";
        case FeedErrc::invalid_json: return "invalid_json";
        case FeedErrc::not_an_object: return "not_an_object";
        case FeedErrc::unknown_type: return "unknown_type";
        case FeedErrc::missing_field: return "missing_field";
        case FeedErrc::duplicate_field: return "duplicate_field";
        case FeedErrc::wrong_type: return "wrong_type";
        case FeedErrc::out_of_range: return "out_of_range";
        case FeedErrc::bad_timestamp: return "bad_timestamp";
        case FeedErrc::bad_currency: return "bad_currency";
        case FeedErrc::text_too_long: return "text_too_long";
        case FeedErrc::line_too_long: return "line_too_long";
        case FeedErrc::body_too_large: return "body_too_large";
        case FeedErrc::bad_report: return "bad_report";
        case FeedErrc::bad_flatbuffer: return "bad_flatbuffer";
    }
    return "unknown";
}

FeedError::FeedError(FeedErrc code, std::string_view message) : code_(code) {
    size_ = static_cast<std::uint8_t>(std::min(message.size(), kMaxMessage));
    std::memcpy(text_, message.data(), size_);
}

FeedError FeedError::format(FeedErrc code, const char* fmt, ...) {
    char buffer[kMaxMessage + 1];
    va_list args;
    va_start(args, fmt);
    const int n = std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    const std::size_t size = n < 0 ? 0 : std::min(static_cast<std::size_t>(n), kMaxMessage);
    return FeedError(code, std::string_view(buffer, size));
}

}  // namespace bidline::feeds
