#include "bidline/engine/metrics_exposition.h"

#include <array>
#include <charconv>
#include <initializer_list>
#include <utility>

#ifndef BIDLINE_VERSION
#define BIDLINE_VERSION "unknown"
#endif

namespace bidline {

void append_label_value_escaped(std::string& out, std::string_view value) {
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Appends metric families in exposition order: HELP and TYPE once, then samples.
class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        for (char c : help) out_ += c == '\n' ? ' ' : c;  // HELP escapes only \\ and \n; we never write either
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, Labels labels, std::uint64_t v) { head(name, labels); out_ += std::to_string(v); out_ += '\n'; }
    void sample(std::string_view name, Labels labels, std::int64_t v) { head(name, labels); out_ += std::to_string(v); out_ += '\n'; }
    void sample(std::string_view name, Labels labels, double v) {
        head(name, labels);
        append_double(v);
        out_ += '\n';
    }
    void append_double(double v) {
        std::array<char, 32> buf{};
        auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
        out_.append(buf.data(), r.ptr);
    }
    std::string take() { return std::move(out_); }

private:
    void head(std::string_view name, Labels labels) {
        out_ += name;
        if (labels.size() > 0) {
            out_ += '{';
            bool first = true;
            for (const auto& [k, v] : labels) {
                if (!first) out_ += ',';
                first = false;
                out_ += k;
                out_ += "=\"";
                append_label_value_escaped(out_, v);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
    }
    std::string out_;
};

// Log2 buckets below 2^10 ns (~1 µs) are folded into the first exported one.
constexpr int kFirstExportedBucket = 9;

void shard_families(Exposition& x, const EngineState& state) {
    std::vector<std::string> ids;
    for (const auto& s : state.shards) ids.push_back(std::to_string(s->id));
    auto per_shard = [&](std::string_view name, std::string_view help, auto get) {
        x.family(name, "counter", help);
        for (std::size_t i = 0; i < ids.size(); ++i) x.sample(name, {{"shard", ids[i]}}, get(state.shards[i]->counters));
    };
    per_shard("bidline_requests_total", "Bid requests received.", [](const ShardCounters& c) { return read(c.requests); });
    per_shard("bidline_bids_total", "Bids made (one per imp bid on).", [](const ShardCounters& c) { return read(c.bids); });
    per_shard("bidline_bid_responses_total", "Bid requests answered 200 with at least one bid.",
              [](const ShardCounters& c) { return read(c.bid_responses); });
    per_shard("bidline_bad_requests_total", "Bid requests answered 400.", [](const ShardCounters& c) { return read(c.bad_requests); });
    per_shard("bidline_http_requests_total", "HTTP requests on all paths.", [](const ShardCounters& c) { return read(c.http_requests); });
    per_shard("bidline_http_errors_total", "4xx answers from the HTTP layer.", [](const ShardCounters& c) { return read(c.http_errors); });
    per_shard("bidline_notices_total", "Win, billing, loss, click and conversion notices accepted.",
              [](const ShardCounters& c) { return read(c.notices); });
    per_shard("bidline_notice_errors_total", "Notices rejected.", [](const ShardCounters& c) { return read(c.notice_errors); });
    per_shard("bidline_auth_refused_total", "Requests refused with 401 or 403 (API keys).", [](const ShardCounters& c) { return read(c.auth_refused); });
    per_shard("bidline_events_dropped_total", "Events dropped because the shard-to-control ring was full.",
              [](const ShardCounters& c) { return read(c.events_dropped); });
    per_shard("bidline_bad_native_requests_total", "Native imps whose imp.native.request could not be read (their native creatives do not serve).",
              [](const ShardCounters& c) { return read(c.bad_native_requests); });
    per_shard("bidline_request_log_written_total", "Bid requests logged with their decision.",
              [](const ShardCounters& c) { return read(c.request_log_written); });
    per_shard("bidline_request_log_skipped_total", "Sampled bid requests not logged because the log lane was full.",
              [](const ShardCounters& c) { return read(c.request_log_skipped); });

    x.family("bidline_no_bids_total", "counter", "Imps or requests not bid on, by reason.");
    for (std::size_t i = 0; i < ids.size(); ++i)
        for (int r = 0; r < static_cast<int>(NoBidReason::count_); ++r)
            x.sample("bidline_no_bids_total", {{"shard", ids[i]}, {"reason", to_string(static_cast<NoBidReason>(r))}},
                     read(state.shards[i]->counters.no_bid[r]));
    for (std::size_t i = 0; i < ids.size(); ++i)  // bid requests shed before parsing (net/admission.h)
        for (int r = 0; r < static_cast<int>(ShedReason::count_); ++r)
            x.sample("bidline_no_bids_total", {{"shard", ids[i]}, {"reason", to_string(static_cast<ShedReason>(r))}},
                     read(state.shards[i]->counters.shed[r]));

    x.family("bidline_connections_open", "gauge", "Open client connections.");
    for (std::size_t i = 0; i < ids.size(); ++i)
        x.sample("bidline_connections_open", {{"shard", ids[i]}}, read(state.shards[i]->counters.connections_open));

    x.family("bidline_bid_latency_seconds", "histogram",
             "Bid path latency, receipt to answer. Buckets are powers of two in nanoseconds; no _sum is exported.");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const LatencyHistogram& h = state.shards[i]->counters.bid_latency;
        std::uint64_t cumulative = 0;
        for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
            cumulative += read(h.buckets[b]);
            if (b < kFirstExportedBucket || b == LatencyHistogram::kBuckets - 1) continue;  // the top bucket is open-ended
            std::string le;
            {
                std::array<char, 32> buf{};
                const double edge_s = static_cast<double>(std::uint64_t{2} << b) / 1e9;  // bucket b is [2^b, 2^(b+1)) ns
                auto r = std::to_chars(buf.data(), buf.data() + buf.size(), edge_s);
                le.assign(buf.data(), r.ptr);
            }
            x.sample("bidline_bid_latency_seconds_bucket", {{"shard", ids[i]}, {"le", le}}, cumulative);
        }
        x.sample("bidline_bid_latency_seconds_bucket", {{"shard", ids[i]}, {"le", "+Inf"}}, cumulative);
        x.sample("bidline_bid_latency_seconds_count", {{"shard", ids[i]}}, cumulative);
    }
}

void line_item_families(Exposition& x, const Catalog& cat, const std::vector<LineItemLedger>& ledger) {
    auto per_li = [&](std::string_view name, std::string_view type, std::string_view help, auto get) {
        x.family(name, type, help);
        for (const CompiledLineItem& li : cat.line_items()) {
            if (!li.present || li.index.value >= ledger.size()) continue;
            x.sample(name, {{"line_item", li.model.id.value}, {"campaign", li.model.campaign.value}}, get(li, ledger[li.index.value]));
        }
    };
    using L = LineItemLedger;
    using C = CompiledLineItem;
    per_li("bidline_line_item_bids_total", "counter", "Bids made, all shards.", [](const C&, const L& l) { return l.bids; });
    per_li("bidline_wins_total", "counter", "Won impressions (win or billing notice, counted once per bid).",
           [](const C&, const L& l) { return l.wins; });
    per_li("bidline_clicks_total", "counter", "Clicks.", [](const C&, const L& l) { return l.clicks; });
    per_li("bidline_conversions_total", "counter", "Conversions.", [](const C&, const L& l) { return l.conversions; });
    per_li("bidline_line_item_spend_today_micros", "gauge", "Spend today (UTC day), micros of the account currency.",
           [](const C&, const L& l) { return l.spend_today; });
    per_li("bidline_line_item_committed_micros", "gauge", "Spend today plus leases and bids that may still turn into spend.",
           [](const C&, const L& l) { return l.committed(); });
    per_li("bidline_line_item_daily_budget_micros", "gauge", "Daily budget of the line item (0: only the campaign's applies).",
           [](const C& li, const L&) { return li.model.daily_budget.value(); });

    std::vector<std::int64_t> spend(cat.campaigns().size(), 0);
    for (const CompiledLineItem& li : cat.line_items())
        if (li.present && li.index.value < ledger.size()) spend[li.campaign->index.value] += ledger[li.index.value].spend_today;
    x.family("bidline_campaign_spend_today_micros", "gauge", "Campaign spend today (UTC day), micros.");
    for (const CompiledCampaign& c : cat.campaigns())
        x.sample("bidline_campaign_spend_today_micros", {{"campaign", c.model.id.value}}, spend[c.index.value]);
    x.family("bidline_campaign_daily_budget_micros", "gauge", "Campaign daily budget (0: uncapped), micros.");
    for (const CompiledCampaign& c : cat.campaigns())
        x.sample("bidline_campaign_daily_budget_micros", {{"campaign", c.model.id.value}}, c.model.daily_budget.value());
}

}  // namespace

std::string metrics_exposition(const EngineState& state, const Catalog& catalog, const std::vector<LineItemLedger>& ledger) {
    Exposition x;
    x.family("bidline_up", "gauge", "1 while the engine serves.");
    x.sample("bidline_up", {}, std::uint64_t{1});
    x.family("bidline_build_info", "gauge", "Build and runtime facts as labels; the value is always 1.");
    x.sample("bidline_build_info", {{"version", BIDLINE_VERSION}, {"io_backend", state.io_backend}}, std::uint64_t{1});
    x.family("bidline_catalog_version", "gauge", "Version of the campaign catalog in use.");
    x.sample("bidline_catalog_version", {}, catalog.version());
    shard_families(x, state);
    line_item_families(x, catalog, ledger);
    return x.take();
}

void render_metrics(EngineState& state, const Catalog& catalog, const std::vector<LineItemLedger>& ledger,
                    const std::string& extra) {
    state.metrics_text.publish(std::make_shared<const std::string>(metrics_exposition(state, catalog, ledger) + extra));
}

}  // namespace bidline
