// Which creative a line item serves, on the control thread: one
// models::CreativeBandit per line item with two or more creatives, fed
// each won impression and each click of the creative that served it
// (ShardEvent::creative), tested for fatigue when an hour bucket closes,
// and published every few seconds as CreativeChoices for the bid path's
// Thompson sampling (pick_creative). A retired or fatigued creative, and
// why, shows in /v1/stats under its line item.
//
// Bandits are keyed by line item index and rebuilt when a catalog reload
// changes the line item's creative ids (their history no longer matches).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bidline/engine/catalog.h"
#include "bidline/engine/json_writer.h"
#include "bidline/models/creative_bandit.h"

namespace bidline {

// What the bid path reads: immutable once published.
struct CreativeChoices {
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    std::vector<std::uint32_t> slot;  // per dense line item index: into `bandits`, or kNone
    std::vector<models::CreativeBanditSnapshot> bandits;

    const models::CreativeBanditSnapshot* of(std::uint32_t line_item) const {
        return line_item < slot.size() && slot[line_item] != kNone ? &bandits[slot[line_item]] : nullptr;
    }
};

// ShardEvent::creative of a bid whose creative is not known by index.
inline constexpr std::uint8_t kUnknownCreative = 0xff;

class CreativeSelection {
public:
    explicit CreativeSelection(const models::CreativeBanditConfig& config = {});

    // A new catalog: bandits for line items with several creatives.
    void sync(const Catalog& catalog);
    void record_impression(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us);
    void record_click(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us);
    // Fatigue tests when a bucket closes; a new snapshot every few seconds.
    void tick(std::int64_t now_us);

    std::shared_ptr<const CreativeChoices> published() const { return published_; }
    // The line item's "creatives" array for /v1/stats (nothing when it has
    // no bandit: a single creative is always served).
    void write_json(JsonWriter& j, const CompiledLineItem& li) const;

private:
    struct Entry {
        std::vector<std::string> creative_ids;  // to notice a reload that changed them
        models::CreativeBandit bandit;
    };
    void record(std::uint32_t line_item, std::uint8_t creative, double impressions, double clicks, std::int64_t t_us);
    void publish();

    models::CreativeBanditConfig config_;
    std::vector<std::unique_ptr<Entry>> by_line_item_;
    std::shared_ptr<const CreativeChoices> published_;
    std::int64_t published_us_ = 0, evaluated_bucket_ = -1;
    bool changed_ = false;
};

}  // namespace bidline
