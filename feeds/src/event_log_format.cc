#include "bidline/feeds/event_log_format.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include "bidline/feeds/crc32c.h"
#include "event_log_bytes.h"

namespace bidline::feeds {
namespace {

constexpr std::string_view kNamePrefix = "events-";
constexpr std::string_view kNameSuffix = ".log";
constexpr std::size_t kSequenceDigits = 20;  // UINT64_MAX has 20 digits: names sort like numbers
constexpr std::size_t kHeaderCrcOffset = 36;

}  // namespace

std::string_view builtin_record_type_name(RecordType type) {
    switch (type) {
        case RecordType::bid_request:
            return "bid_request";
        case RecordType::bid_decision:
            return "bid_decision";
        case RecordType::feed_event:
            return "feed_event";
        case RecordType::ledger_entry:
            return "ledger_entry";
        default:
            return {};
    }
}

std::string_view to_string(LogErrc code) {
    switch (code) {
        case LogErrc::ok:
            return "ok";
        case LogErrc::io_error:
            return "I/O error";
        case LogErrc::bad_segment_header:
            return "bad segment header";
        case LogErrc::corrupt_record:
            return "corrupt record";
        case LogErrc::record_too_large:
            return "record too large";
        case LogErrc::ring_full:
            return "producer ring full";
        case LogErrc::log_failed:
            return "log failed after a write or sync error";
        case LogErrc::directory_locked:
            return "log directory locked by another writer";
        case LogErrc::stopped:
            return "log stopped";
    }
    return "unknown";
}

std::string LogError::message() const {
    std::string m(to_string(code));
    if (!path.empty()) m += ": " + path.string() + " at offset " + std::to_string(offset);
    if (!detail.empty()) m += ": " + detail;
    if (sys_errno != 0) m += std::string(": ") + std::strerror(sys_errno);
    return m;
}

std::array<std::byte, kSegmentHeaderSize> encode_segment_header(const SegmentHeader& header) {
    std::array<std::byte, kSegmentHeaderSize> b{};
    std::memcpy(b.data(), kSegmentMagic.data(), kSegmentMagic.size());
    detail::store_le32(b.data() + 8, kSegmentVersion);
    detail::store_le32(b.data() + 12, static_cast<std::uint32_t>(kSegmentHeaderSize));
    detail::store_le64(b.data() + 16, header.sequence);
    detail::store_le64(b.data() + 24, static_cast<std::uint64_t>(header.created.time_since_epoch().count()));
    detail::store_le32(b.data() + 32, 0);  // reserved
    detail::store_le32(b.data() + kHeaderCrcOffset, crc32c(std::span(b).first(kHeaderCrcOffset)));
    return b;
}

HeaderCheck decode_segment_header(std::span<const std::byte> bytes, SegmentHeader& out) {
    if (bytes.size() < kSegmentHeaderSize) return HeaderCheck::too_short;
    if (std::memcmp(bytes.data(), kSegmentMagic.data(), kSegmentMagic.size()) != 0) return HeaderCheck::bad_magic;
    if (detail::load_le32(bytes.data() + kHeaderCrcOffset) != crc32c(bytes.first(kHeaderCrcOffset)))
        return HeaderCheck::bad_crc;
    if (detail::load_le32(bytes.data() + 8) != kSegmentVersion ||
        detail::load_le32(bytes.data() + 12) != kSegmentHeaderSize)
        return HeaderCheck::bad_version;
    out.sequence = detail::load_le64(bytes.data() + 16);
    out.created = LogTime{std::chrono::microseconds{static_cast<std::int64_t>(detail::load_le64(bytes.data() + 24))}};
    return HeaderCheck::ok;
}

std::string_view to_string(HeaderCheck check) {
    switch (check) {
        case HeaderCheck::ok:
            return "ok";
        case HeaderCheck::too_short:
            return "shorter than a segment header";
        case HeaderCheck::bad_magic:
            return "not an event log segment (bad magic)";
        case HeaderCheck::bad_version:
            return "unsupported segment version";
        case HeaderCheck::bad_crc:
            return "segment header CRC mismatch";
    }
    return "unknown";
}

std::uint32_t record_crc(RecordType type, std::span<const std::byte> payload) {
    const std::byte t = static_cast<std::byte>(type);
    return crc32c_extend(crc32c(std::span(&t, 1)), payload);
}

std::array<std::byte, kRecordHeaderSize> encode_record_header(RecordType type, std::span<const std::byte> payload) {
    std::array<std::byte, kRecordHeaderSize> h{};
    detail::store_le32(h.data(), static_cast<std::uint32_t>(payload.size()));
    detail::store_le32(h.data() + 4, record_crc(type, payload));
    h[8] = static_cast<std::byte>(type);
    return h;
}

RecordFrame decode_record_header(std::span<const std::byte, kRecordHeaderSize> bytes) {
    return RecordFrame{detail::load_le32(bytes.data()), detail::load_le32(bytes.data() + 4),
                       static_cast<RecordType>(bytes[8])};
}

std::string segment_file_name(std::uint64_t sequence) {
    std::string digits = std::to_string(sequence);
    return std::string(kNamePrefix) + std::string(kSequenceDigits - digits.size(), '0') + digits +
           std::string(kNameSuffix);
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
    if (name.size() != kNamePrefix.size() + kSequenceDigits + kNameSuffix.size() || !name.starts_with(kNamePrefix) ||
        !name.ends_with(kNameSuffix))
        return std::nullopt;
    const std::string_view digits = name.substr(kNamePrefix.size(), kSequenceDigits);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;  // > UINT64_MAX
    return v;
}

std::vector<SegmentFile> list_segments(const std::filesystem::path& directory) {
    std::vector<SegmentFile> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        if (auto seq = parse_segment_file_name(it->path().filename().string())) out.push_back({*seq, it->path()});
    }
    if (ec) throw LogFileError(LogError{LogErrc::io_error, directory, 0, ec.value(), "cannot list the directory"});
    std::sort(out.begin(), out.end(),
              [](const SegmentFile& a, const SegmentFile& b) { return a.sequence < b.sequence; });
    return out;
}

}  // namespace bidline::feeds
