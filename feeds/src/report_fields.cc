#include "report_fields.h"

#include <charconv>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace bidline::feeds::report_detail {

namespace {

constexpr double kMaxUnits = 1e12;  // keeps micros well inside int64

bool lookup(dom::object parent, std::string_view key, dom::element& out) {
    return parent.at_key(key).get(out) == simdjson::SUCCESS;
}

bool text_to_integer(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

bool text_to_real(std::string_view s, double& out) {
    if (s.empty()) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

bool decimal_to_micros(std::string_view s, std::int64_t& out) {
    std::size_t i = 0;
    std::int64_t whole = 0;
    std::size_t whole_digits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++whole_digits) {
        if (whole_digits >= 12) return false;
        whole = whole * 10 + (s[i] - '0');
    }
    if (whole_digits == 0) return false;
    std::int64_t fraction = 0;
    if (i < s.size()) {
        if (s[i] != '.') return false;
        ++i;
        std::size_t digits = 0;
        bool round_up = false;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
            if (digits < 6) fraction = fraction * 10 + (s[i] - '0');
            if (digits == 6) round_up = s[i] >= '5';
        }
        if (digits == 0 || i != s.size()) return false;
        for (std::size_t d = digits; d < 6; ++d) fraction *= 10;
        if (round_up) ++fraction;
    }
    out = whole * 1'000'000 + fraction;
    return true;
}

Read read_integer(dom::object parent, std::string_view key, std::int64_t& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    if (e.is_int64()) return e.get_int64().get(out) == simdjson::SUCCESS ? Read::ok : Read::bad;
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS && text_to_integer(s, out)) return Read::ok;
    return Read::bad;
}

Read read_real(dom::object parent, std::string_view key, double& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    if (e.is_number()) return e.get_double().get(out) == simdjson::SUCCESS ? Read::ok : Read::bad;
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS && text_to_real(s, out)) return Read::ok;
    return Read::bad;
}

Read read_units(dom::object parent, std::string_view key, Micros& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
        std::int64_t micros = 0;
        if (!decimal_to_micros(s, micros)) return Read::bad;
        out = Micros(micros);
        return Read::ok;
    }
    double units = 0;
    if (!e.is_number() || e.get_double().get(units) != simdjson::SUCCESS) return Read::bad;
    if (!(units >= 0 && units <= kMaxUnits)) return Read::bad;
    out = Micros::from_units(units);
    return Read::ok;
}

Read read_id(dom::object parent, std::string_view key, std::string& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
        if (s.empty()) return Read::bad;
        out.assign(s);
        return Read::ok;
    }
    std::int64_t n = 0;
    if (e.is_int64() && e.get_int64().get(n) == simdjson::SUCCESS) {
        out = std::to_string(n);
        return Read::ok;
    }
    return Read::bad;
}

Read read_text(dom::object parent, std::string_view key, std::string_view& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    return e.get_string().get(out) == simdjson::SUCCESS ? Read::ok : Read::bad;
}

Read read_object(dom::object parent, std::string_view key, dom::object& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    return e.get_object().get(out) == simdjson::SUCCESS ? Read::ok : Read::bad;
}

Read read_array(dom::object parent, std::string_view key, dom::array& out) {
    dom::element e;
    if (!lookup(parent, key, e)) return Read::absent;
    return e.get_array().get(out) == simdjson::SUCCESS ? Read::ok : Read::bad;
}

FeedError report_error(const char* fmt, ...) {
    char buffer[FeedError::kMaxMessage + 1];
    va_list args;
    va_start(args, fmt);
    const int n = std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    const std::size_t size = n < 0 ? 0 : std::min(static_cast<std::size_t>(n), FeedError::kMaxMessage);
    return FeedError(FeedErrc::bad_report, std::string_view(buffer, size));
}

void add_row(SpendReportRow row, const ReportContext& context, std::string_view path, SpendReport& out) {
    const auto it = context.campaigns == nullptr ? CampaignMapping::const_iterator{}
                                                 : context.campaigns->find(row.platform_campaign_id);
    if (context.campaigns == nullptr || it == context.campaigns->end()) {
        out.unmapped.push_back(UnmappedRow{std::string(path), std::move(row.platform_campaign_id)});
        return;
    }
    row.campaign = it->second;
    out.rows.push_back(std::move(row));
}

FeedError metric_count(dom::object parent, std::string_view path, std::string_view key, std::int64_t& out) {
    out = 0;
    const Read r = read_integer(parent, key, out);
    if (r == Read::bad || out < 0) return bad_field(path, key, "a non-negative integer");
    return {};
}

FeedError metric_real(dom::object parent, std::string_view path, std::string_view key, double& out) {
    out = 0;
    const Read r = read_real(parent, key, out);
    if (r == Read::bad || !(out >= 0 && out <= kMaxUnits)) return bad_field(path, key, "a non-negative number");
    return {};
}

FeedError metric_units(dom::object parent, std::string_view path, std::string_view key, Micros& out) {
    out = Micros(0);
    if (read_units(parent, key, out) == Read::bad) return bad_field(path, key, "a non-negative amount");
    return {};
}

FeedError parse_document(std::string_view json, dom::parser& parser, dom::element& root) {
    // realloc_if_needed: simdjson copies the body into a padded buffer; the
    // DOM keeps no pointer into `json`.
    if (auto e = parser.parse(json.data(), json.size(), true).get(root))
        return report_error("invalid JSON: %s", simdjson::error_message(e));
    return {};
}

}  // namespace bidline::feeds::report_detail
