#include "bidline/engine/ledger_recovery.h"

#include <stdexcept>

#include "bidline/engine/feed_bridge.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_reader.h"

namespace bidline {

RecoveryStats recover_ledger(const std::filesystem::path& dir, const Catalog& catalog, ControlLoop& control) {
    RecoveryStats stats;
    if (!std::filesystem::exists(dir)) return stats;
    // Read-only: the log writer repairs the torn tail when it opens next.
    feeds::LogReader reader = feeds::LogReader::open_directory(dir, feeds::TailMode::read_only);
    feeds::RecordView rec;
    feeds::Event event;
    while (reader.next(rec)) {
        if (rec.type != feeds::RecordType::feed_event) continue;
        ++stats.records;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(rec.payload.data());
        if (!feeds::decode_event(bytes, rec.payload.size(), event).ok()) {
            ++stats.undecodable;
            continue;
        }
        if (event.kind == feeds::EventKind::spend_report) {
            // Platform-reported figures: beside the ledger, not in it.
            (void)control.platform_reports().record(event);
            ++stats.applied;
        } else if (auto se = to_shard_event(event, catalog, 0)) {
            control.recover(*se);
            ++stats.applied;
        } else {
            ++stats.orphans;
        }
    }
    if (reader.error())
        throw std::runtime_error("event log: " + reader.error()->message());
    return stats;
}

}  // namespace bidline
