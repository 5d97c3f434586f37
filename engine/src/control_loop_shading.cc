// The first-price shading half of the control loop (pacing/shading_model.h,
// pacing/README.md "First-price shading"). Each first-price bid of a line
// item with `shading = true` is remembered in flight with its context
// bucket; its outcome teaches that bucket's market model:
//   win                         market < bid     (we paid our bid)
//   loss with min-to-win m      market = m
//   loss without                market ≥ bid
// Bids that expire without an outcome teach nothing. Every `shading_refit`
// the models are refitted and a new ShadingTable is published with the
// ControlState; the bid path reads it from the snapshot it already holds.
// Control thread only.
#include "bidline/engine/control_loop.h"
#include "bidline/engine/json_writer.h"

namespace bidline {

void ControlLoop::learn_shading(const InFlight& bid, const ShardEvent& outcome) {
    if (!bid.first_price || bid.line_item >= catalog_->line_items().size()) return;
    const CompiledLineItem& li = catalog_->line_items()[bid.line_item];
    if (!li.present || !li.model.bid.shading) return;
    ShadingModel& model = shading_[bid.line_item].model;
    // Per-impression micros → CPM in currency units: × 1000 / 1e6.
    const double bid_cpm = static_cast<double>(bid.charge) / 1000.0;
    if (bid_cpm <= 0) return;
    if (outcome.kind == ShardEventKind::loss) {
        if (outcome.micros > 0)
            model.priced(bid.shading_context, static_cast<double>(outcome.micros) / 1000.0);
        else
            model.lost(bid.shading_context, bid_cpm);
    } else {
        model.won(bid.shading_context, bid_cpm);
    }
}

void ControlLoop::note_shaded_bid(const ShardEvent& bid) {
    if (bid.shade_permille == 0) return;
    LineItemShading& s = shading_[bid.line_item];
    ++s.shaded_bids;
    s.shade_sum += bid.shade_permille / 1000.0;
}

void ControlLoop::refit_shading(std::int64_t now_us) {
    const std::int64_t every = std::chrono::duration_cast<std::chrono::microseconds>(shading_refit).count();
    if (shading_.empty() || now_us - shading_last_fit_us_ < every) return;
    shading_last_fit_us_ = now_us;
    auto table = std::make_shared<ShadingTable>();
    table->first.assign(catalog_->line_item_capacity(), ShadingTable::kNone);
    for (auto& [index, s] : shading_) {
        s.model.refit(shading_em_iterations);
        if (index >= catalog_->line_items().size() || !catalog_->line_items()[index].present) continue;
        if (!catalog_->line_items()[index].model.bid.shading) continue;
        if (!s.model.pooled().ready) continue;  // no bucket can be ready without the pool
        table->first[index] = static_cast<std::uint32_t>(table->fits.size());
        for (int c = 0; c < kShadingContexts; ++c) table->fits.push_back(s.model.fit_for(static_cast<std::uint8_t>(c)));
    }
    if (table->fits.empty()) table.reset();
    shading_table_ = std::move(table);
}

MarketPriceFit ControlLoop::shading_fit(std::uint32_t line_item, std::uint8_t context) const {
    const auto it = shading_.find(line_item);
    return it == shading_.end() ? MarketPriceFit{} : it->second.model.fit_for(context);
}

void ControlLoop::write_shading(JsonWriter& j, std::uint32_t line_item) const {
    const auto it = shading_.find(line_item);
    const bool enabled =
        line_item < catalog_->line_items().size() && catalog_->line_items()[line_item].model.bid.shading;
    j.key("shading").begin_object().field("enabled", enabled);
    if (it == shading_.end()) {
        j.field("buckets_learned", std::int64_t{0})
            .field("pooled_ready", false)
            .field("shaded_bids", std::uint64_t{0})
            .field("average_shade_factor", 1.0);
    } else {
        const LineItemShading& s = it->second;
        j.field("buckets_learned", static_cast<std::int64_t>(s.model.buckets_learned()))
            .field("pooled_ready", s.model.pooled().ready)
            .field("shaded_bids", s.shaded_bids)
            .field("average_shade_factor", s.shaded_bids ? s.shade_sum / static_cast<double>(s.shaded_bids) : 1.0);
    }
    j.end_object();
}

}  // namespace bidline
