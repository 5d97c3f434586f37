// The in-memory form of one performance event (bid, win, loss, impression,
// click, conversion, spend report). It is trivially copyable and holds its
// ids in small inline buffers, so parsing a line or decoding a flatbuffer
// into a reused Event allocates nothing, and an Event can cross an SPSC ring
// by plain copy. Its twin on the wire and in the log is the flatbuffer table
// in feeds/schema/events.fbs (see event_codec.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bidline/config/money.h"
#include "bidline/feeds/inline_text.h"

namespace bidline::feeds {

enum class EventKind : std::uint8_t { bid, win, loss, impression, click, conversion, spend_report };
enum class Platform : std::uint8_t { unspecified, exchange, google_ads, meta, tiktok };
enum class Granularity : std::uint8_t { hour, day };

std::string_view to_string(EventKind kind);
std::string_view to_string(Platform platform);
std::optional<EventKind> event_kind_from_name(std::string_view name);
std::optional<Platform> platform_from_name(std::string_view name);

// Time of an event: microseconds since the Unix epoch, UTC.
using UtcMicros = std::chrono::sys_time<std::chrono::microseconds>;

// Ids are short (UUIDs, numeric platform ids); longer ones are rejected at
// the edge rather than truncated, so two ids never collapse into one.
using EventText = InlineText<63>;
using CurrencyCode = InlineText<3>;

// A platform's spend report row, normalised (see spend_report.h).
struct SpendFigures {
    Micros spend;
    std::int64_t impressions = 0;
    std::int64_t clicks = 0;
    double conversions = 0;  // fractional under data-driven attribution
    Micros conversion_value;
    UtcMicros bucket_start{};
    Granularity granularity = Granularity::hour;
    bool operator==(const SpendFigures&) const = default;
};

struct Event {
    EventKind kind = EventKind::bid;
    Platform platform = Platform::unspecified;
    EventText event_id;
    EventText request_id;
    EventText imp_id;
    EventText bid_id;
    EventText line_item_id;
    EventText creative_id;
    EventText campaign_id;
    EventText source;  // connector name, free-form
    // The user the event concerns (OpenRTB user.id, else device.ifa), when
    // the sender knows it: conversion paths and holdout experiments use it.
    EventText user_id;
    UtcMicros ts{};
    Micros price;  // per impression: clearing price of a win, bid price of a bid
    std::int32_t loss_reason = 0;  // OpenRTB 2.5 loss reason code
    std::optional<Micros> min_to_win;  // per impression, when the exchange tells
    Micros value;  // conversion value in `currency`
    CurrencyCode currency;
    SpendFigures spend;
    bool operator==(const Event&) const = default;
};

}  // namespace bidline::feeds
