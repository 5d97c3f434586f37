// POST /v1/events: NDJSON performance events, each line accepted or
// rejected on its own; accepted events are in the durable event log before
// the response is sent (the connection holds it until then). The sending
// connector's rate limit and daily quota (units = non-blank lines) are
// checked first: 429 with Retry-After, nothing applied.
#include <flatbuffers/flatbuffers.h>

#include "bidline/engine/connector_gate.h"
#include "bidline/engine/feed_bridge.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/router.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_group_commit.h"

namespace bidline {

std::uint64_t Router::ingest(const feeds::Event& e, bool& orphan, bool& overloaded) {
    // Feeds may fill 3/4 of the shard's control ring; the rest stays free
    // for the bid path's own events. Checked before logging, so an event is
    // never durable yet missing from the ledger: this thread is the ring's
    // only producer, so the push below cannot fail.
    if (shard_.events.size_approx() >= shard_.events.capacity() / 4 * 3) {
        overloaded = true;
        return 0;
    }
    std::uint64_t seq = 0;
    if (state_.event_log != nullptr) {
        fbb_->Clear();
        const std::span<const std::uint8_t> bytes = feeds::encode_event(e, *fbb_);
        const feeds::SubmitResult r = state_.event_log->submit(
            feeds::ProducerId{shard_.id}, feeds::RecordType::feed_event,
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
        if (r.code != feeds::LogErrc::ok) {
            overloaded = true;  // ring full or log failed: the client retries, nothing is half-accepted
            return 0;
        }
        seq = r.sequence;
    }
    state_.catalog.refresh(catalog_, catalog_seen_);
    if (std::optional<ShardEvent> se = to_shard_event(e, *catalog_, shard_.id)) {
        if (!shard_.events.try_push(*se)) bump(shard_.counters.events_dropped);  // logged: recovered on restart
    } else {
        orphan = true;
        bump(shard_.feed_events_orphaned);
    }
    return seq;
}

RouteResponse Router::events(const HttpRequest& req, std::string_view body) {
    // Per-connector limits first: a refused request applies nothing.
    if (state_.connector_gate) {
        const std::string_view connector = caller_.empty() ? ConnectorGate::connector_of(req) : caller_;
        if (auto refusal = state_.connector_gate->admit(connector, ndjson_units(body)))
            return too_many_requests(scratch_, connector, *refusal);
    }
    std::uint64_t last_seq = 0;
    std::uint32_t accepted = 0, orphans = 0;
    bool overloaded = false;
    JsonWriter rejected;
    rejected.begin_array();
    std::uint32_t n_rejected = 0;
    event_parser_->parse_batch(
        body,
        [&](const feeds::Event& e, std::uint32_t line) {
            if (overloaded) {
                rejected.begin_object().field("line", line).field("error", "overloaded").end_object();
                ++n_rejected;
                return;
            }
            bool orphan = false;
            const std::uint64_t seq = ingest(e, orphan, overloaded);
            if (overloaded) {
                rejected.begin_object().field("line", line).field("error", "overloaded: retry this line").end_object();
                ++n_rejected;
                return;
            }
            last_seq = std::max(last_seq, seq);
            ++accepted;
            orphans += orphan;
        },
        [&](std::uint32_t line, const feeds::FeedError& err) {
            rejected.begin_object().field("line", line).field("error", err.message()).end_object();
            ++n_rejected;
        });
    rejected.end_array();
    bump(shard_.feed_events_accepted, accepted);
    bump(shard_.feed_events_rejected, n_rejected);

    scratch_.clear();
    JsonWriter j;
    j.begin_object().field("accepted", accepted).field("orphans", orphans).field("rejected_count", n_rejected);
    j.key("rejected").raw(rejected.str()).end_object();
    scratch_ = j.take();
    RouteResponse r;
    // Some lines good, some not: 200 with the list. Nothing accepted and
    // something rejected: the client's batch is wrong, 400. Overload: 503.
    r.status = overloaded && accepted == 0 ? 503 : (accepted == 0 && n_rejected > 0 ? 400 : 200);
    if (r.status == 503) r.retry_after_s = 1;
    r.body = scratch_;
    r.durable_after = last_seq;
    return r;
}

}  // namespace bidline
