// Which creative a line item serves, on the control thread: one
// models::CreativeBandit per line item with two or more creatives, fed
// each won impression and each click of the creative that served it
// (ShardEvent::creative), tested for fatigue when an hour bucket closes,
// and published every few seconds as CreativeChoices for the bid path's
// Thompson sampling (pick_creative). A retired or fatigued creative, and
// why, shows in /v1/stats under its line item.
//
// Template creatives (config/README.md, "Dynamic creatives") get one more
// bandit per slot, over the slot's variants: the bid path samples a variant
// per slot, the bid event carries the choice (ShardEvent::variants) and the
// slot bandits learn from that bid's win and clicks. /v1/stats shows each
// variant's counts and posterior mean under "templates".
//
// Bandits are keyed by line item index and rebuilt when a catalog reload
// changes the line item's creative ids, or a template's slots or variants
// (their history no longer matches).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

    // Per dense line item index: into `variant_sets`, or kNone (no template).
    std::vector<std::uint32_t> variant_set_of;
    // Per template line item: creative × kMaxTemplateSlots → into `variant_bandits` (kNone: variant 0).
    std::vector<std::vector<std::uint32_t>> variant_sets;
    std::vector<models::CreativeBanditSnapshot> variant_bandits;

    const models::CreativeBanditSnapshot* variants_of(std::uint32_t line_item, std::uint32_t creative,
                                                      std::size_t slot_index) const {
        if (line_item >= variant_set_of.size() || variant_set_of[line_item] == kNone) return nullptr;
        const auto& set = variant_sets[variant_set_of[line_item]];
        const std::size_t k = std::size_t{creative} * kMaxTemplateSlots + slot_index;
        return k < set.size() && set[k] != kNone ? &variant_bandits[set[k]] : nullptr;
    }
};

// ShardEvent::creative of a bid whose creative is not known by index.
inline constexpr std::uint8_t kUnknownCreative = 0xff;

class CreativeSelection {
public:
    explicit CreativeSelection(const models::CreativeBanditConfig& config = {});

    // A new catalog: bandits for line items with several creatives.
    void sync(const Catalog& catalog);
    // `variants`: ShardEvent::variants of the bid.
    void record_impression(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us,
                           const VariantChoice& variants = kNoVariants);
    void record_click(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us,
                      const VariantChoice& variants = kNoVariants);
    // Fatigue tests when a bucket closes; a new snapshot every few seconds.
    void tick(std::int64_t now_us);

    std::shared_ptr<const CreativeChoices> published() const { return published_; }
    // The line item's "creatives" array for /v1/stats (nothing when it has
    // no bandit: a single creative is always served), and its "templates"
    // (nothing without template creatives).
    void write_json(JsonWriter& j, const CompiledLineItem& li) const;

private:
    struct Entry {
        std::vector<std::string> creative_ids;  // to notice a reload that changed them
        models::CreativeBandit bandit;
    };
    // One slot of one template creative of a line item.
    struct SlotBandit {
        std::uint8_t creative = 0, slot = 0;
        models::CreativeBandit bandit;
        std::optional<models::CreativeBanditSnapshot> published;  // what the bid path samples
    };
    struct TemplateEntry {
        std::string signature;  // creative ids, slots and variants: to notice a reload that changed them
        std::vector<SlotBandit> slots;
    };
    void sync_templates(const CompiledLineItem& li);
    void record(std::uint32_t line_item, std::uint8_t creative, double impressions, double clicks, std::int64_t t_us,
                const VariantChoice& variants);
    void publish();
    void write_templates(JsonWriter& j, const CompiledLineItem& li) const;

    models::CreativeBanditConfig config_;
    std::vector<std::unique_ptr<Entry>> by_line_item_;
    std::vector<std::unique_ptr<TemplateEntry>> templates_;  // by line item index
    std::shared_ptr<const CreativeChoices> published_;
    std::int64_t published_us_ = 0, evaluated_bucket_ = -1;
    bool changed_ = false;
};

}  // namespace bidline
