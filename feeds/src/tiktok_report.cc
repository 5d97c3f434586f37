// TikTok Business API reporting (report/integrated/get, data_level
// AUCTION_CAMPAIGN, dimensions campaign_id + stat_time_day|stat_time_hour):
// `data.list[]` of {dimensions, metrics}, metrics as strings, times as
// "2026-11-23 10:00:00" in the advertiser account's zone. A non-zero `code`
// is TikTok's error envelope.
#include <cstdio>

#include "bidline/feeds/spend_report.h"
#include "bidline/feeds/time_text.h"
#include "report_fields.h"

namespace bidline::feeds {

using namespace report_detail;

namespace {

// "2026-11-23 10:00:00" (or a bare date) → day and hour; minutes and
// seconds must be zero: these are bucket starts.
bool parse_stat_time(std::string_view s, std::chrono::sys_days& day, int& hour) {
    hour = 0;
    if (s.size() == 10) return parse_civil_date(s, day);
    if (s.size() != 19 || s[10] != ' ' || !parse_civil_date(s.substr(0, 10), day) || s.substr(13) != ":00:00")
        return false;
    if (s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9') return false;
    hour = (s[11] - '0') * 10 + (s[12] - '0');
    return hour <= 23;
}

FeedError read_tiktok_row(dom::object row, std::string_view path, const ReportContext& context, SpendReport& out) {
    SpendReportRow r;
    r.platform = Platform::tiktok;
    dom::object dimensions, metrics;
    if (read_object(row, "dimensions", dimensions) != Read::ok) return bad_field(path, "dimensions", "an object");
    if (read_id(dimensions, "campaign_id", r.platform_campaign_id) != Read::ok)
        return bad_field(path, "dimensions.campaign_id", "the campaign id (dimensions campaign_id)");
    std::string_view time_text;
    std::chrono::sys_days day;
    int hour = 0;
    if (read_text(dimensions, "stat_time_hour", time_text) == Read::ok) {
        if (!parse_stat_time(time_text, day, hour))
            return bad_field(path, "dimensions.stat_time_hour", "a time like \"2026-11-23 10:00:00\"");
        r.granularity = Granularity::hour;
    } else if (read_text(dimensions, "stat_time_day", time_text) == Read::ok) {
        if (!parse_stat_time(time_text, day, hour) || hour != 0)
            return bad_field(path, "dimensions.stat_time_day", "a day like \"2026-11-23 00:00:00\"");
        r.granularity = Granularity::day;
    } else {
        return bad_field(path, "dimensions.stat_time_hour", "stat_time_hour or stat_time_day");
    }
    r.bucket_start = local_to_utc(day, std::chrono::hours{hour}, context.account_utc_offset);
    if (read_object(row, "metrics", metrics) != Read::ok) return bad_field(path, "metrics", "an object");
    std::string metrics_path(path);
    metrics_path += ".metrics";
    if (auto e = metric_units(metrics, metrics_path, "spend", r.spend); !e.ok()) return e;
    if (auto e = metric_count(metrics, metrics_path, "impressions", r.impressions); !e.ok()) return e;
    if (auto e = metric_count(metrics, metrics_path, "clicks", r.clicks); !e.ok()) return e;
    if (auto e = metric_real(metrics, metrics_path, context.tiktok_conversions_metric, r.conversions); !e.ok())
        return e;
    if (auto e = metric_units(metrics, metrics_path, context.tiktok_value_metric, r.conversion_value); !e.ok())
        return e;
    add_row(std::move(r), context, path, out);
    return {};
}

}  // namespace

FeedError parse_tiktok_report(std::string_view json, const ReportContext& context, SpendReport& out) {
    out = {};
    dom::parser parser;
    dom::element root;
    if (auto e = parse_document(json, parser, root); !e.ok()) return e;
    dom::object object, data;
    dom::array list;
    if (root.get_object().get(object)) return report_error("expected a TikTok report response object");
    if (std::int64_t code = 0; read_integer(object, "code", code) == Read::ok && code != 0) {
        std::string_view message;
        (void)read_text(object, "message", message);
        return report_error("code: TikTok returned error %lld: %.*s", static_cast<long long>(code),
                            static_cast<int>(message.size()), message.data());
    }
    if (read_object(object, "data", data) != Read::ok) return report_error("data: expected an object");
    if (read_array(data, "list", list) != Read::ok) return report_error("data.list: expected an array");
    std::size_t i = 0;
    char path[32];
    for (dom::element e : list) {
        std::snprintf(path, sizeof path, "data.list[%zu]", i++);
        dom::object row;
        FeedError error = e.get_object().get(row) ? report_error("%s: expected an object", path)
                                                  : read_tiktok_row(row, path, context, out);
        if (!error.ok()) {
            out = {};
            return error;
        }
    }
    return {};
}

}  // namespace bidline::feeds
