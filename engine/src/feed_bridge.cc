#include "bidline/engine/feed_bridge.h"

#include "bidline/config/stable_hash.h"

#include <charconv>

#include "bidline/feeds/event_keys.h"
#include "bidline/models/experiments/assignment.h"

namespace bidline {

std::optional<std::uint64_t> parse_bid_key(std::string_view id) {
    std::uint64_t key = 0;
    if (id.size() != 16 || std::from_chars(id.data(), id.data() + 16, key, 16).ptr != id.data() + 16) return std::nullopt;
    return key;
}

std::uint64_t event_id_key(std::string_view id) { return fnv1a(id); }

std::uint64_t attribution_key(const feeds::Event& e) {
    if (auto key = parse_bid_key(e.bid_id.view())) return *key;
    return feeds::join_key(e);
}

std::optional<ShardEvent> to_shard_event(const feeds::Event& e, const Catalog& catalog, std::uint16_t shard) {
    ShardEventKind kind;
    switch (e.kind) {
        case feeds::EventKind::win: kind = ShardEventKind::win; break;
        case feeds::EventKind::loss: kind = ShardEventKind::loss; break;
        case feeds::EventKind::click: kind = ShardEventKind::click; break;
        case feeds::EventKind::conversion: kind = ShardEventKind::conversion; break;
        case feeds::EventKind::bid:
        case feeds::EventKind::impression: kind = ShardEventKind::anchor; break;
        default: return std::nullopt;  // spend reports go to the PlatformReportBook, not the ledger
    }
    const std::uint64_t join = attribution_key(e);
    const CompiledLineItem* li = catalog.find_line_item(e.line_item_id.view());
    const bool known = li != nullptr && li->present;
    const bool outcome = kind == ShardEventKind::click || kind == ShardEventKind::conversion;
    // An outcome without a known line item may still join by its bid id,
    // and a conversion by its user (holdout experiments); anything else
    // needs the line item.
    const bool by_user = kind == ShardEventKind::conversion && !e.user_id.empty();
    if (!known && !(outcome && join != 0) && !by_user) return std::nullopt;
    if (kind == ShardEventKind::anchor && join == 0) return std::nullopt;
    ShardEvent out{kind, 0, shard, known ? li->index.value : kNoLineItem, 0, 0, e.ts.time_since_epoch().count()};
    out.join_key = join;
    if (!e.user_id.empty()) out.user = experiments::id_key(e.user_id.view());
    // Wins de-duplicate by bid (a win notice and an event for the same bid
    // count once); other kinds by their event id.
    if (auto key = parse_bid_key(e.bid_id.view()); key && kind == ShardEventKind::win) out.bid_key = *key;
    else if (kind == ShardEventKind::loss) out.bid_key = parse_bid_key(e.bid_id.view()).value_or(0);
    else out.bid_key = event_id_key(e.event_id.view()) | (std::uint64_t{1} << 63);
    if (kind == ShardEventKind::win && out.bid_key == 0) out.bid_key = event_id_key(e.event_id.view());
    // A loss carries the exchange's min-to-win, when told: first-price shading learns from it.
    out.micros = kind == ShardEventKind::conversion ? e.value.value()
                 : kind == ShardEventKind::loss     ? e.min_to_win.value_or(Micros{}).value()
                                                    : e.price.value();
    return out;
}

}  // namespace bidline
