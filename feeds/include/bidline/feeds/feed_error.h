// Errors of the feed path as values: a code to branch on and a short
// message for the client (which field, what was wrong). The message lives in
// a fixed buffer so that rejecting a line allocates nothing.
#pragma once

#include <cstdint>
#include <string_view>

namespace bidline::feeds {

enum class FeedErrc : std::uint8_t {
    ok,
    invalid_json,
    not_an_object,
    unknown_type,
    missing_field,
    duplicate_field,
    wrong_type,
    out_of_range,
    bad_timestamp,
    bad_currency,
    text_too_long,
    line_too_long,
    body_too_large,
    bad_report,
    bad_flatbuffer,
};

std::string_view to_string(FeedErrc code);

class FeedError {
public:
    static constexpr std::size_t kMaxMessage = 150;

    FeedError() = default;
    FeedError(FeedErrc code, std::string_view message);
    // printf-style; the message is cut at kMaxMessage bytes.
    [[gnu::format(printf, 2, 3)]] static FeedError format(FeedErrc code, const char* fmt, ...);

    FeedErrc code() const { return code_; }
    std::string_view message() const { return {text_, size_}; }
    bool ok() const { return code_ == FeedErrc::ok; }

private:
    FeedErrc code_ = FeedErrc::ok;
    std::uint8_t size_ = 0;
    char text_[kMaxMessage] = {};
};

}  // namespace bidline::feeds
