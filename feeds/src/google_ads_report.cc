// Google Ads API search / searchStream results (REST JSON): one row per
// campaign × date (× hour). Proto3 JSON omits zero-valued fields, so every
// metric is optional; int64 fields come as strings ("costMicros": "1500000").
// searchStream returns an array of such batches; both shapes are accepted.
#include <cstdio>

#include "bidline/feeds/spend_report.h"
#include "bidline/feeds/time_text.h"
#include "report_fields.h"

namespace bidline::feeds {

using namespace report_detail;

namespace {

FeedError read_google_ads_row(dom::object row, std::string_view path, const ReportContext& context, SpendReport& out) {
    SpendReportRow r;
    r.platform = Platform::google_ads;
    dom::object campaign, segments, metrics;
    if (read_object(row, "campaign", campaign) != Read::ok || read_id(campaign, "id", r.platform_campaign_id) != Read::ok)
        return bad_field(path, "campaign.id", "the campaign id (select campaign.id)");
    if (read_object(row, "segments", segments) != Read::ok) return bad_field(path, "segments", "an object");
    std::string_view date_text;
    std::chrono::sys_days date;
    if (read_text(segments, "date", date_text) != Read::ok || !parse_civil_date(date_text, date))
        return bad_field(path, "segments.date", "a date like \"2026-11-23\" (select segments.date)");
    std::int64_t hour = 0;
    switch (read_integer(segments, "hour", hour)) {
        case Read::ok:
            if (hour < 0 || hour > 23) return bad_field(path, "segments.hour", "an hour 0-23");
            r.granularity = Granularity::hour;
            break;
        case Read::absent: r.granularity = Granularity::day; break;
        case Read::bad: return bad_field(path, "segments.hour", "an hour 0-23");
    }
    r.bucket_start = local_to_utc(date, std::chrono::hours{hour}, context.account_utc_offset);

    std::string metrics_path(path);
    metrics_path += ".metrics";
    if (Read m = read_object(row, "metrics", metrics); m == Read::bad) return bad_field(path, "metrics", "an object");
    else if (m == Read::ok) {
        std::int64_t cost_micros = 0;
        if (auto e = metric_count(metrics, metrics_path, "costMicros", cost_micros); !e.ok()) return e;
        r.spend = Micros(cost_micros);
        if (auto e = metric_count(metrics, metrics_path, "impressions", r.impressions); !e.ok()) return e;
        if (auto e = metric_count(metrics, metrics_path, "clicks", r.clicks); !e.ok()) return e;
        if (auto e = metric_real(metrics, metrics_path, "conversions", r.conversions); !e.ok()) return e;
        if (auto e = metric_units(metrics, metrics_path, "conversionsValue", r.conversion_value); !e.ok()) return e;
    }
    add_row(std::move(r), context, path, out);
    return {};
}

FeedError read_batch(dom::object batch, std::string_view prefix, const ReportContext& context, SpendReport& out) {
    dom::array results;
    switch (read_array(batch, "results", results)) {
        case Read::absent: return {};  // a page without rows
        case Read::bad: return report_error("%.*sresults: expected an array", static_cast<int>(prefix.size()), prefix.data());
        case Read::ok: break;
    }
    std::size_t i = 0;
    char path[64];
    for (dom::element e : results) {
        std::snprintf(path, sizeof path, "%.*sresults[%zu]", static_cast<int>(prefix.size()), prefix.data(), i++);
        dom::object row;
        if (e.get_object().get(row)) return report_error("%s: expected an object", path);
        if (auto err = read_google_ads_row(row, path, context, out); !err.ok()) return err;
    }
    return {};
}

}  // namespace

FeedError parse_google_ads_report(std::string_view json, const ReportContext& context, SpendReport& out) {
    out = {};
    dom::parser parser;
    dom::element root;
    if (auto e = parse_document(json, parser, root); !e.ok()) return e;
    FeedError error;
    if (dom::object object; root.get_object().get(object) == simdjson::SUCCESS) {
        error = read_batch(object, "", context, out);
    } else if (dom::array batches; root.get_array().get(batches) == simdjson::SUCCESS) {
        std::size_t i = 0;
        char prefix[32];
        for (dom::element b : batches) {
            std::snprintf(prefix, sizeof prefix, "[%zu].", i++);
            dom::object batch;
            if (b.get_object().get(batch)) {
                error = report_error("[%zu]: expected a searchStream batch object", i - 1);
                break;
            }
            if (error = read_batch(batch, prefix, context, out); !error.ok()) break;
        }
    } else {
        error = report_error("expected a search response object or a searchStream array");
    }
    if (!error.ok()) out = {};
    return error;
}

}  // namespace bidline::feeds
