// Reading platform report fields with simdjson DOM (reports are small and
// off the hot path; random access keeps the three parsers short).
// Platforms print numbers as JSON numbers or as strings ("costMicros":
// "1234", "spend": "12.34"): these readers take both, and money strings are
// converted to micros exactly, without a detour through double.
#pragma once

#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bidline/config/money.h"
#include "bidline/feeds/feed_error.h"
#include "bidline/feeds/spend_report.h"

namespace bidline::feeds::report_detail {

namespace dom = simdjson::dom;

enum class Read { ok, absent, bad };

// Integers: 12 or "12".
Read read_integer(dom::object parent, std::string_view key, std::int64_t& out);
// Real numbers: 2.5 or "2.5".
Read read_real(dom::object parent, std::string_view key, double& out);
// Money in currency units, to micros: 12.34 or "12.34".
Read read_units(dom::object parent, std::string_view key, Micros& out);
// Text, or an integer printed as text (ids).
Read read_id(dom::object parent, std::string_view key, std::string& out);
Read read_text(dom::object parent, std::string_view key, std::string_view& out);
Read read_object(dom::object parent, std::string_view key, dom::object& out);
Read read_array(dom::object parent, std::string_view key, dom::array& out);

// Exact decimal to micros: "12.34" → 12'340'000; digits past the sixth
// decimal are rounded half up. False on anything but [0-9]+(.[0-9]+)?.
bool decimal_to_micros(std::string_view text, std::int64_t& out);

[[gnu::format(printf, 1, 2)]] FeedError report_error(const char* fmt, ...);

// Appends a row, or records it as unmapped.
void add_row(SpendReportRow row, const ReportContext& context, std::string_view path, SpendReport& out);

// "metrics.clicks" must be absent or valid: a typo'd type must not read as 0.
inline FeedError bad_field(std::string_view path, std::string_view field, const char* expected) {
    return report_error("%.*s.%.*s: expected %s", static_cast<int>(path.size()), path.data(),
                        static_cast<int>(field.size()), field.data(), expected);
}

// Optional metrics: absent reads as 0 (platforms omit zero metrics);
// present but malformed or negative is an error naming `path`.`key`.
FeedError metric_count(dom::object parent, std::string_view path, std::string_view key, std::int64_t& out);
FeedError metric_real(dom::object parent, std::string_view path, std::string_view key, double& out);
FeedError metric_units(dom::object parent, std::string_view path, std::string_view key, Micros& out);

// Parses `json` (copied into simdjson's padded buffer) with `parser`.
FeedError parse_document(std::string_view json, dom::parser& parser, dom::element& root);

}  // namespace bidline::feeds::report_detail
