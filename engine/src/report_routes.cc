#include "bidline/engine/report_routes.h"

#include <charconv>
#include <optional>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "bidline/engine/connector_gate.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_group_commit.h"
#include "bidline/feeds/spend_report.h"

namespace bidline {
namespace {

// "+05:30", "-08:00", "05:30" (a '+' sent unencoded in a query decodes to
// ' ', which is read as '+'), "Z"; minutes in [-14:00, +14:00].
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text) {
    if (text.empty() || text == "Z") return std::chrono::minutes{0};
    int sign = 1;
    if (text[0] == '+' || text[0] == ' ')
        text.remove_prefix(1);
    else if (text[0] == '-') {
        sign = -1;
        text.remove_prefix(1);
    }
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    int h = 0, m = 0;
    if (std::from_chars(text.data(), text.data() + 2, h).ptr != text.data() + 2 ||
        std::from_chars(text.data() + 3, text.data() + 5, m).ptr != text.data() + 5 || m > 59 || h * 60 + m > 14 * 60)
        return std::nullopt;
    return std::chrono::minutes{sign * (h * 60 + m)};
}

bool valid_revision(std::string_view r) {
    if (r.empty() || r.size() > 24) return false;
    for (char c : r)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
              c == '.' || c == ':'))
            return false;
    return true;
}

feeds::CampaignMapping mapping_for(const Catalog& catalog, feeds::Platform platform) {
    feeds::CampaignMapping m;
    for (const CompiledCampaign& c : catalog.campaigns()) {
        const PlatformCampaignIds& ids = c.model.platform_ids;
        const std::string& id = platform == feeds::Platform::google_ads ? ids.google_ads
                                : platform == feeds::Platform::meta     ? ids.meta
                                                                        : ids.tiktok;
        if (!id.empty()) m.emplace(id, c.model.id);
    }
    return m;
}

RouteResponse post_report(EngineState& state, ControlLoop& control, const HttpRequest& req, std::string_view body,
                          std::string& scratch, ShardResources& shard) {
    if (req.method != HttpMethod::post) return method_not_allowed(scratch, "POST", "POST the platform's report JSON");
    const std::string_view name = req.path.substr(std::string_view("/v1/reports/").size());
    const std::optional<feeds::Platform> platform = feeds::platform_from_name(name);
    if (!platform || *platform == feeds::Platform::exchange || *platform == feeds::Platform::unspecified)
        return json_error(scratch, 404, "not_found", "reports are posted to /v1/reports/google_ads, /meta or /tiktok");

    std::string offset_text, revision;
    percent_decode(query_param(req.query, "utc_offset"), offset_text);
    percent_decode(query_param(req.query, "revision"), revision);
    if (revision.empty()) revision = "0";
    const auto offset = parse_utc_offset(offset_text);
    if (!offset)
        return json_error(
            scratch, 400, "bad_request",
            "utc_offset: expected the account's offset as +HH:MM or -HH:MM (e.g. -08:00), got \"" + offset_text + "\"");
    if (!valid_revision(revision))
        return json_error(scratch, 400, "bad_request", "revision: 1 to 24 characters of A-Z a-z 0-9 - _ . :");

    const feeds::CampaignMapping mapping = mapping_for(*state.catalog.load(), *platform);
    feeds::ReportContext context;
    context.campaigns = &mapping;
    context.account_utc_offset = *offset;
    feeds::SpendReport report;
    const feeds::FeedError err =
        *platform == feeds::Platform::google_ads ? feeds::parse_google_ads_report(body, context, report)
        : *platform == feeds::Platform::meta     ? feeds::parse_meta_report(body, context, report)
                                                 : feeds::parse_tiktok_report(body, context, report);
    if (!err.ok()) return json_error(scratch, 400, "bad_report", err.message());

    if (state.connector_gate) {
        const std::string_view connector = ConnectorGate::connector_of(req);
        const auto units =
            static_cast<std::int64_t>(std::max<std::size_t>(1, report.rows.size() + report.unmapped.size()));
        if (auto refusal = state.connector_gate->admit(connector, units))
            return too_many_requests(scratch, connector, *refusal);
    }

    std::vector<feeds::Event> events;
    events.reserve(report.rows.size());
    for (const feeds::SpendReportRow& row : report.rows) events.push_back(feeds::to_event(row, revision));

    std::uint64_t accepted = 0, duplicates = 0, last_seq = 0;
    bool overloaded = false;
    flatbuffers::FlatBufferBuilder fbb(512);
    const auto commit = [&](const feeds::Event& e) {
        if (overloaded) return false;
        if (state.event_log == nullptr) return true;  // tests without a log
        fbb.Clear();
        const std::span<const std::uint8_t> bytes = feeds::encode_event(e, fbb);
        const feeds::SubmitResult r = state.event_log->submit(
            feeds::ProducerId{shard.id}, feeds::RecordType::feed_event,
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
        if (r.code != feeds::LogErrc::ok) {
            overloaded = true;  // ring full or log failed: the client retries; recorded rows dedupe
            return false;
        }
        last_seq = std::max(last_seq, r.sequence);
        return true;
    };
    control.platform_reports().record_batch(events, commit, [&](std::size_t, PlatformReportBook::Outcome o) {
        (o == PlatformReportBook::Outcome::recorded ? accepted : duplicates)++;
    });
    bump(shard.feed_events_accepted, accepted);

    JsonWriter j;
    j.begin_object()
        .field("platform", feeds::to_string(*platform))
        .field("rows", static_cast<std::uint64_t>(report.rows.size()))
        .field("accepted", accepted)
        .field("duplicates", duplicates)
        .field("revision", revision)
        .field("utc_offset_minutes", static_cast<std::int64_t>(offset->count()));
    j.key("unmapped").begin_array();
    for (const feeds::UnmappedRow& u : report.unmapped)
        j.begin_object().field("path", u.json_path).field("platform_campaign_id", u.platform_campaign_id).end_object();
    j.end_array();
    if (overloaded) j.field("error", "overloaded: the event log is full; retry (rows already accepted count once)");
    j.end_object();
    scratch = j.take();
    RouteResponse r;
    r.status = overloaded ? 503 : 200;
    if (overloaded) r.retry_after_s = 1;
    r.body = scratch;
    r.durable_after = last_seq;
    return r;
}

}  // namespace

void register_report_routes(EngineState& state, ControlLoop& control) {
    ExtraRoute route;
    route.path = "/v1/reports/";
    route.handle_on_shard = [&state, &control](const HttpRequest& req, std::string_view body, std::string& scratch,
                                               ShardResources& shard) {
        return post_report(state, control, req, body, scratch, shard);
    };
    state.routes.push_back(std::move(route));
}

}  // namespace bidline
