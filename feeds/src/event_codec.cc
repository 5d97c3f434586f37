// Empty ids are left out of the buffer (absent and empty read back alike),
// which keeps a typical win record under 200 bytes.
#include "bidline/feeds/event_codec.h"

#include <vector>

#include "bidline/feeds/flatbuffer_alignment.h"

#include "bidline/feeds/events_generated.h"

namespace bidline::feeds {

namespace {

flatbuffers::Offset<flatbuffers::String> text(flatbuffers::FlatBufferBuilder& b, std::string_view s) {
    return s.empty() ? 0 : b.CreateString(s.data(), s.size());
}

template <std::size_t N>
bool copy_text(const flatbuffers::String* s, InlineText<N>& out) {
    return s == nullptr || out.assign(s->string_view());
}

}  // namespace

std::span<const std::uint8_t> encode_event(const Event& e, flatbuffers::FlatBufferBuilder& b) {
    // Strings first: a table cannot be built while a string is in progress.
    const auto event_id = text(b, e.event_id.view());
    const auto request_id = text(b, e.request_id.view());
    const auto imp_id = text(b, e.imp_id.view());
    const auto bid_id = text(b, e.bid_id.view());
    const auto line_item_id = text(b, e.line_item_id.view());
    const auto creative_id = text(b, e.creative_id.view());
    const auto campaign_id = text(b, e.campaign_id.view());
    const auto currency = text(b, e.currency.view());
    const auto source = text(b, e.source.view());
    const auto user_id = text(b, e.user_id.view());
    flatbuffers::Offset<fb::SpendReport> spend = 0;
    if (e.kind == EventKind::spend_report) {
        const SpendFigures& s = e.spend;
        spend = fb::CreateSpendReport(b, s.spend.value(), s.impressions, s.clicks, s.conversions,
                                      s.conversion_value.value(), s.bucket_start.time_since_epoch().count(),
                                      static_cast<fb::Granularity>(s.granularity));
    }
    fb::EventBuilder event(b);
    event.add_ts_us(e.ts.time_since_epoch().count());
    event.add_price_micros(e.price.value());
    if (e.min_to_win) event.add_min_to_win_micros(e.min_to_win->value());
    event.add_value_micros(e.value.value());
    event.add_loss_reason(e.loss_reason);
    event.add_event_id(event_id);
    event.add_request_id(request_id);
    event.add_imp_id(imp_id);
    event.add_bid_id(bid_id);
    event.add_line_item_id(line_item_id);
    event.add_creative_id(creative_id);
    event.add_campaign_id(campaign_id);
    event.add_currency(currency);
    event.add_source(source);
    event.add_user_id(user_id);
    event.add_spend(spend);
    event.add_kind(static_cast<fb::EventKind>(e.kind));
    event.add_platform(static_cast<fb::Platform>(e.platform));
    fb::FinishEventBuffer(b, event.Finish());
    return {b.GetBufferPointer(), b.GetSize()};
}

FeedError decode_event(const std::uint8_t* data, std::size_t size, Event& out) {
    out = Event{};
    thread_local std::vector<std::uint64_t> scratch;
    const std::span<const std::uint8_t> bytes = aligned_for_flatbuffers({data, size}, scratch);
    data = bytes.data();
    flatbuffers::Verifier verifier(data, size);
    if (!fb::VerifyEventBuffer(verifier)) return FeedError(FeedErrc::bad_flatbuffer, "not a valid Event flatbuffer");
    const fb::Event* e = fb::GetEvent(data);
    const auto kind = static_cast<std::uint8_t>(e->kind());
    const auto platform = static_cast<std::uint8_t>(e->platform());
    if (kind > static_cast<std::uint8_t>(EventKind::spend_report) ||
        platform > static_cast<std::uint8_t>(Platform::tiktok))
        return FeedError(FeedErrc::bad_flatbuffer, "Event flatbuffer: kind or platform out of range");
    out.kind = static_cast<EventKind>(kind);
    out.platform = static_cast<Platform>(platform);
    if (!copy_text(e->event_id(), out.event_id) || !copy_text(e->request_id(), out.request_id) ||
        !copy_text(e->imp_id(), out.imp_id) || !copy_text(e->bid_id(), out.bid_id) ||
        !copy_text(e->line_item_id(), out.line_item_id) || !copy_text(e->creative_id(), out.creative_id) ||
        !copy_text(e->campaign_id(), out.campaign_id) || !copy_text(e->currency(), out.currency) ||
        !copy_text(e->source(), out.source) || !copy_text(e->user_id(), out.user_id))
        return FeedError(FeedErrc::text_too_long, "Event flatbuffer: an id is longer than 63 bytes");
    out.ts = UtcMicros{std::chrono::microseconds{e->ts_us()}};
    out.price = Micros(e->price_micros());
    out.loss_reason = e->loss_reason();
    if (const auto m = e->min_to_win_micros(); m.has_value()) out.min_to_win = Micros(*m);
    out.value = Micros(e->value_micros());
    // Only spend reports carry figures (the encoder writes none for other
    // kinds); a stray table on another kind is ignored, not half-applied.
    if (const fb::SpendReport* s = e->spend(); s != nullptr && out.kind == EventKind::spend_report) {
        const auto granularity = static_cast<std::uint8_t>(s->granularity());
        if (granularity > static_cast<std::uint8_t>(Granularity::day))
            return FeedError(FeedErrc::bad_flatbuffer, "Event flatbuffer: granularity out of range");
        out.spend = SpendFigures{.spend = Micros(s->spend_micros()),
                                 .impressions = s->impressions(),
                                 .clicks = s->clicks(),
                                 .conversions = s->conversions(),
                                 .conversion_value = Micros(s->conversion_value_micros()),
                                 .bucket_start = UtcMicros{std::chrono::microseconds{s->bucket_start_us()}},
                                 .granularity = static_cast<Granularity>(granularity)};
    }
    return {};
}

}  // namespace bidline::feeds
