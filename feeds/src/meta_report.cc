// Meta Marketing API Insights (level=campaign, time_increment=1, optionally
// breakdowns=hourly_stats_aggregated_by_advertiser_time_zone): `data[]`
// rows whose numbers are all strings; purchases are in `actions[]` and their
// value in `action_values[]`, keyed by `action_type`.
#include <cstdio>

#include "bidline/feeds/spend_report.h"
#include "bidline/feeds/time_text.h"
#include "report_fields.h"

namespace bidline::feeds {

using namespace report_detail;

namespace {

// "10:00:00 - 10:59:59" → 10.
bool parse_hour_range(std::string_view s, int& hour) {
    if (s.size() < 8 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s.substr(2, 6) != ":00:00")
        return false;
    hour = (s[0] - '0') * 10 + (s[1] - '0');
    return hour <= 23;
}

// The value of the first configured action type present in `list`
// (`actions` or `action_values`). False on a malformed list.
template <class Out, class ReadValue>
FeedError pick_action(dom::object row, std::string_view path, std::string_view list_name,
                      const ReportContext& context, ReadValue read_value, Out& out) {
    dom::array list;
    switch (read_array(row, list_name, list)) {
        case Read::absent: return {};
        case Read::bad: return bad_field(path, list_name, "an array");
        case Read::ok: break;
    }
    std::size_t best_rank = context.meta_conversion_action_types.size();
    std::size_t i = 0;
    char item_path[96];
    for (dom::element e : list) {
        std::snprintf(item_path, sizeof item_path, "%.*s.%.*s[%zu]", static_cast<int>(path.size()), path.data(),
                      static_cast<int>(list_name.size()), list_name.data(), i++);
        dom::object action;
        std::string_view type;
        if (e.get_object().get(action) || read_text(action, "action_type", type) != Read::ok)
            return report_error("%s.action_type: expected a string", item_path);
        std::size_t rank = 0;
        while (rank < best_rank && context.meta_conversion_action_types[rank] != type) ++rank;
        if (rank >= best_rank) continue;
        if (read_value(action, "value", out) != Read::ok) return bad_field(item_path, "value", "a number string");
        best_rank = rank;
    }
    return {};
}

FeedError read_meta_row(dom::object row, std::string_view path, const ReportContext& context, SpendReport& out) {
    SpendReportRow r;
    r.platform = Platform::meta;
    if (read_id(row, "campaign_id", r.platform_campaign_id) != Read::ok)
        return bad_field(path, "campaign_id", "the campaign id (level=campaign, fields=campaign_id)");
    std::string_view start, stop;
    std::chrono::sys_days date;
    if (read_text(row, "date_start", start) != Read::ok || !parse_civil_date(start, date))
        return bad_field(path, "date_start", "a date like \"2026-11-23\"");
    if (read_text(row, "date_stop", stop) == Read::ok && stop != start)
        return bad_field(path, "date_stop", "the same day as date_start (request time_increment=1)");
    std::string_view hours;
    int hour = 0;
    switch (read_text(row, "hourly_stats_aggregated_by_advertiser_time_zone", hours)) {
        case Read::ok:
            if (!parse_hour_range(hours, hour))
                return bad_field(path, "hourly_stats_aggregated_by_advertiser_time_zone",
                                 "an hour range like \"10:00:00 - 10:59:59\"");
            r.granularity = Granularity::hour;
            break;
        case Read::bad:
            return bad_field(path, "hourly_stats_aggregated_by_advertiser_time_zone", "a string");
        case Read::absent: {
            std::string_view audience;
            // Audience-zone hours cannot be placed on the account's clock.
            if (read_text(row, "hourly_stats_aggregated_by_audience_time_zone", audience) != Read::absent)
                return bad_field(path, "hourly_stats_aggregated_by_audience_time_zone",
                                 "no audience-zone breakdown: use hourly_stats_aggregated_by_advertiser_time_zone");
            r.granularity = Granularity::day;
        }
    }
    r.bucket_start = local_to_utc(date, std::chrono::hours{hour}, context.account_utc_offset);
    if (auto e = metric_units(row, path, "spend", r.spend); !e.ok()) return e;
    if (auto e = metric_count(row, path, "impressions", r.impressions); !e.ok()) return e;
    if (auto e = metric_count(row, path, "clicks", r.clicks); !e.ok()) return e;
    if (auto e = pick_action(row, path, "actions", context, read_real, r.conversions); !e.ok()) return e;
    if (!(r.conversions >= 0)) return bad_field(path, "actions", "non-negative values");
    if (auto e = pick_action(row, path, "action_values", context, read_units, r.conversion_value); !e.ok()) return e;
    add_row(std::move(r), context, path, out);
    return {};
}

}  // namespace

FeedError parse_meta_report(std::string_view json, const ReportContext& context, SpendReport& out) {
    out = {};
    dom::parser parser;
    dom::element root;
    if (auto e = parse_document(json, parser, root); !e.ok()) return e;
    dom::object object;
    dom::array data;
    if (root.get_object().get(object)) return report_error("expected an Insights response object");
    if (dom::object error; read_object(object, "error", error) == Read::ok) {
        std::string_view message;
        (void)read_text(error, "message", message);
        return report_error("error: Meta returned an error: %.*s", static_cast<int>(message.size()), message.data());
    }
    if (read_array(object, "data", data) != Read::ok) return report_error("data: expected an array");
    std::size_t i = 0;
    char path[32];
    for (dom::element e : data) {
        std::snprintf(path, sizeof path, "data[%zu]", i++);
        dom::object row;
        FeedError error = e.get_object().get(row) ? report_error("%s: expected an object", path)
                                                  : read_meta_row(row, path, context, out);
        if (!error.ok()) {
            out = {};
            return error;
        }
    }
    return {};
}

}  // namespace bidline::feeds
