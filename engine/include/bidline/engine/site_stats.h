// History of line item × site for the model features hist_ctr, hist_cvr and
// hist_impressions_log (models/feature_builder.h): impressions (wins),
// clicks and conversions of each line item on each site, and each line
// item's totals over all sites as the prior.
//
// SiteStatsBook lives on the control thread: it remembers the site of
// recent bids (a fixed direct-mapped table by bid key, so memory stays
// bounded whatever the bid rate; an outcome whose bid was overwritten is
// still counted in the ledger, just not in the site history), counts
// outcomes, and publishes an immutable SiteStatsTable each tick that the
// bid path reads lock-free and allocation-free.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bidline/config/creative_markup.h"
#include "bidline/models/feature_builder.h"

namespace bidline {

struct SiteCounts {
    float impressions = 0, clicks = 0, conversions = 0;
};

class SiteStatsTable {
public:
    // Built by SiteStatsBook; `entries` must not be empty.
    SiteStatsTable(std::vector<std::uint64_t> keys, std::vector<SiteCounts> counts, std::vector<SiteCounts> totals);
    // The history of `line_item` on `site` (present, possibly zero counts)
    // with the line item's all-site rates as the priors.
    models::OutcomeStats lookup(std::uint32_t line_item, std::uint32_t site) const noexcept;

private:
    std::vector<std::uint64_t> keys_;  // open addressing, 0 = empty
    std::vector<SiteCounts> counts_;
    std::vector<SiteCounts> totals_;   // by line item
    std::uint64_t mask_;
};

// The key of a site in the table and on bid events: FNV-1a of the domain or
// bundle, folded to 32 bits; never 0 (0 = no site).
std::uint32_t site_key(std::string_view domain_or_bundle);

class SiteStatsBook {
public:
    static constexpr std::size_t kRecentBids = std::size_t{1} << 20;
    SiteStatsBook();
    // `score`: the bid's ShardEvent::score, handed back by score_of() for
    // the model monitor's live calibration.
    // `creative`, `variants`: ShardEvent's, handed back by creative_of().
    void note_bid(std::uint64_t bid_key, std::uint32_t line_item, std::uint32_t site, std::uint8_t score,
                  std::uint8_t creative = 0xff, const VariantChoice& variants = kNoVariants);
    std::uint8_t score_of(std::uint64_t bid_key) const;
    // The line item and creative of a recent bid; false when forgotten or unknown.
    bool creative_of(std::uint64_t bid_key, std::uint32_t& line_item, std::uint8_t& creative,
                     VariantChoice* variants = nullptr) const;
    void note_win(std::uint64_t bid_key);
    void note_click(std::uint64_t bid_key);
    void note_conversion(std::uint64_t bid_key);
    std::shared_ptr<const SiteStatsTable> publish() const;

private:
    struct Recent {
        std::uint64_t bid_key = 0;
        std::uint32_t line_item = 0, site = 0;
        std::uint8_t score = 0;
        std::uint8_t creative = 0xff;
        VariantChoice variants = kNoVariants;
    };
    const Recent* recent(std::uint64_t bid_key) const;
    SiteCounts* counts_of(std::uint64_t bid_key, bool& known);
    std::vector<Recent> recent_;
    std::unordered_map<std::uint64_t, SiteCounts> counts_;  // (line item + 1) << 32 | site
    std::vector<SiteCounts> totals_;
};

}  // namespace bidline
