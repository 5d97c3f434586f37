// Frames are built by appending to a std::string the caller reuses; the
// little-endian integers are written byte by byte so the code does not
// depend on the host's byte order.
#include "bidline/feeds/event_stream_protocol.h"

#include "bidline/feeds/time_text.h"

namespace bidline::feeds::stream {

namespace {

// Amount bounds of the NDJSON path (event_line_parser.cc), in micros:
// prices up to 1e6 CPM per impression, values up to 1e12 currency units.
constexpr std::int64_t kMaxPriceMicros = 1'000'000'000;
constexpr std::int64_t kMaxAmountMicros = 1'000'000'000'000'000'000;

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

std::uint64_t get_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

void put_header(std::string& out, FrameType type, std::size_t payload_bytes) {
    put_u32(out, static_cast<std::uint32_t>(1 + payload_bytes));
    out.push_back(static_cast<char>(type));
}

// Reason texts are cut so that a frame always fits the limit.
std::string_view cut(std::string_view text, std::size_t max) { return text.substr(0, std::min(text.size(), max)); }

bool in_range(Micros m, std::int64_t max) { return m.value() >= 0 && m.value() <= max; }

}  // namespace

std::string_view to_string(FrameType type) {
    switch (type) {
        case FrameType::hello:
            return "HELLO";
        case FrameType::event:
            return "EVENT";
        case FrameType::welcome:
            return "WELCOME";
        case FrameType::ack:
            return "ACK";
        case FrameType::reject:
            return "REJECT";
        case FrameType::error:
            return "ERROR";
    }
    return "UNKNOWN";
}

void append_hello(std::string& out, std::string_view stream_name, std::string_view api_key) {
    const std::string_view name = cut(stream_name, kMaxStreamName);
    const std::string_view key = cut(api_key, 256);
    put_header(out, FrameType::hello, 1 + name.size() + (key.empty() ? 0 : 1 + key.size()));
    out.push_back(static_cast<char>(kProtocolVersion));
    out.append(name);
    if (!key.empty()) out.append(1, '\0').append(key);
}

void append_event(std::string& out, std::uint64_t seq, std::span<const std::uint8_t> event_flatbuffer) {
    put_header(out, FrameType::event, kSeqBytes + event_flatbuffer.size());
    put_u64(out, seq);
    out.append(reinterpret_cast<const char*>(event_flatbuffer.data()), event_flatbuffer.size());
}

void append_welcome(std::string& out, std::uint64_t last_durable_seq) {
    put_header(out, FrameType::welcome, kSeqBytes);
    put_u64(out, last_durable_seq);
}

void append_ack(std::string& out, std::uint64_t seq) {
    put_header(out, FrameType::ack, kSeqBytes);
    put_u64(out, seq);
}

void append_reject(std::string& out, std::uint64_t seq, FeedErrc code, std::string_view reason) {
    const std::string_view text = cut(reason, 512);
    put_header(out, FrameType::reject, kSeqBytes + 1 + text.size());
    put_u64(out, seq);
    out.push_back(static_cast<char>(code));
    out.append(text);
}

void append_error(std::string& out, std::string_view reason) {
    const std::string_view text = cut(reason, 512);
    put_header(out, FrameType::error, text.size());
    out.append(text);
}

FrameView next_frame(std::span<const std::uint8_t> bytes, std::uint32_t max_length) {
    FrameView f;
    if (bytes.size() < kLengthBytes) return f;
    f.length = get_u32(bytes.data());
    if (f.length == 0 || f.length > max_length) {
        f.status = FrameStatus::bad_length;
        return f;
    }
    if (bytes.size() - kLengthBytes < f.length) return f;
    f.status = FrameStatus::complete;
    f.type = bytes[kLengthBytes];
    f.payload = bytes.subspan(kHeaderBytes, f.length - 1);
    f.consumed = kLengthBytes + f.length;
    return f;
}

std::string_view parse_hello(std::span<const std::uint8_t> payload, Hello& out) {
    if (payload.empty()) return "HELLO without a protocol version";
    out.version = payload[0];
    if (out.version != kProtocolVersion) return "unsupported protocol version (this server speaks 1)";
    out.name = std::string_view(reinterpret_cast<const char*>(payload.data() + 1), payload.size() - 1);
    out.api_key = {};
    if (const auto nul = out.name.find('\0'); nul != std::string_view::npos) {
        out.api_key = out.name.substr(nul + 1);
        out.name = out.name.substr(0, nul);
        if (out.api_key.empty()) return "HELLO with an empty API key after the name";
    }
    if (out.name.empty()) return "HELLO with an empty stream name";
    if (out.name.size() > kMaxStreamName) return "stream name longer than 63 bytes";
    for (char c : out.name)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
            return "stream name must be printable ASCII without spaces";
    return {};
}

std::optional<std::uint64_t> read_seq(std::span<const std::uint8_t> payload) {
    if (payload.size() < kSeqBytes) return std::nullopt;
    return get_u64(payload.data());
}

std::optional<Reject> parse_reject(std::span<const std::uint8_t> payload) {
    if (payload.size() < kSeqBytes + 1) return std::nullopt;
    Reject r;
    r.seq = get_u64(payload.data());
    r.code = static_cast<FeedErrc>(payload[kSeqBytes]);
    r.reason =
        std::string_view(reinterpret_cast<const char*>(payload.data() + kSeqBytes + 1), payload.size() - kSeqBytes - 1);
    return r;
}

FeedError check_stream_event(Event& e) {
    using enum FeedErrc;
    if (e.event_id.empty()) return FeedError(missing_field, "missing \"event_id\"");
    if (e.ts < kEarliestEventTime || e.ts >= kLatestEventTime)
        return FeedError(bad_timestamp, "ts: outside the years 2000-2099");
    const auto need = [&](const EventText& t, const char* name) {
        return t.empty() ? FeedError::format(missing_field, "missing \"%s\" (required for %s)", name,
                                             to_string(e.kind).data())
                         : FeedError{};
    };
    FeedError err;
    switch (e.kind) {
        case EventKind::bid:
            if (!(err = need(e.request_id, "request_id")).ok() || !(err = need(e.bid_id, "bid_id")).ok() ||
                !(err = need(e.line_item_id, "line_item")).ok())
                return err;
            break;
        case EventKind::win:
        case EventKind::impression:
            if (!(err = need(e.bid_id, "bid_id")).ok() || !(err = need(e.line_item_id, "line_item")).ok()) return err;
            break;
        case EventKind::loss:
            if (!(err = need(e.bid_id, "bid_id")).ok()) return err;
            break;
        case EventKind::click:
        case EventKind::conversion:
            // As on NDJSON: a conversion may name only its user (no bid to join).
            if (e.bid_id.empty() && (e.request_id.empty() || e.imp_id.empty()) &&
                !(e.kind == EventKind::conversion && !e.user_id.empty()))
                return FeedError::format(missing_field,
                                         "missing \"bid_id\" (or \"request_id\" and \"imp_id\"), required for %s",
                                         to_string(e.kind).data());
            break;
        case EventKind::spend_report:
            if (!(err = need(e.campaign_id, "campaign")).ok()) return err;
            break;
    }
    if (!in_range(e.price, kMaxPriceMicros)) return FeedError(out_of_range, "price: negative or above 1e6 CPM");
    if (e.min_to_win && !in_range(*e.min_to_win, kMaxPriceMicros))
        return FeedError(out_of_range, "min_to_win: negative or above 1e6 CPM");
    if (!in_range(e.value, kMaxAmountMicros)) return FeedError(out_of_range, "value: negative or above 1e12");
    if (!e.currency.empty()) {
        const std::string_view c = e.currency.view();
        const bool iso =
            c.size() == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
        if (!iso) return FeedError(bad_currency, "currency: expected an ISO 4217 code like \"USD\"");
    } else if (e.kind == EventKind::conversion) {
        (void)e.currency.assign("USD");
    }
    if (e.kind == EventKind::spend_report) {
        const SpendFigures& s = e.spend;
        if (!in_range(s.spend, kMaxAmountMicros) || !in_range(s.conversion_value, kMaxAmountMicros) ||
            s.impressions < 0 || s.clicks < 0 || !(s.conversions >= 0))
            return FeedError(out_of_range, "spend report: a figure is negative or too large");
    }
    return {};
}

}  // namespace bidline::feeds::stream
