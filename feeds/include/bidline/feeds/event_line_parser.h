// Parses and validates POST /v1/events bodies: NDJSON, one event per line,
// each line accepted or rejected on its own (the JSON shape is in
// feeds/README.md). One parser per shard, reused for every body: after the
// first few calls it allocates nothing. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "bidline/feeds/event.h"
#include "bidline/feeds/feed_error.h"
#include "bidline/feeds/feed_limits.h"

namespace bidline::feeds {

struct BatchCounts {
    std::uint32_t accepted = 0;
    std::uint32_t rejected = 0;
    std::uint32_t blank = 0;  // empty or whitespace-only lines, skipped
    bool operator==(const BatchCounts&) const = default;
};

class EventLineParser {
public:
    explicit EventLineParser(FeedLimits limits = {});
    ~EventLineParser();
    EventLineParser(const EventLineParser&) = delete;
    EventLineParser& operator=(const EventLineParser&) = delete;

    // One line, without its line terminator. `out` is overwritten.
    [[nodiscard]] FeedError parse_line(std::string_view line, Event& out);

    // Splits `body` on '\n' (a '\r' before it is dropped) and calls
    // on_accepted(const Event&, std::uint32_t line) or
    // on_rejected(std::uint32_t line, const FeedError&) per non-blank line;
    // lines count from 1, blank lines included.
    template <class OnAccepted, class OnRejected>
    BatchCounts parse_batch(std::string_view body, OnAccepted&& on_accepted, OnRejected&& on_rejected);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    Event event_;
    FeedLimits limits_;
};

namespace detail {
bool is_blank(std::string_view line);
}

template <class OnAccepted, class OnRejected>
BatchCounts EventLineParser::parse_batch(std::string_view body, OnAccepted&& on_accepted,
                                         OnRejected&& on_rejected) {
    BatchCounts counts;
    std::uint32_t line_number = 0;
    while (!body.empty()) {
        const std::size_t newline = body.find('\n');
        std::string_view line = body.substr(0, newline);
        body = newline == std::string_view::npos ? std::string_view{} : body.substr(newline + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (detail::is_blank(line)) {
            ++counts.blank;
            continue;
        }
        const FeedError error = parse_line(line, event_);
        if (error.ok()) {
            ++counts.accepted;
            on_accepted(static_cast<const Event&>(event_), line_number);
        } else {
            ++counts.rejected;
            on_rejected(line_number, error);
        }
    }
    return counts;
}

}  // namespace bidline::feeds
