#include "bidline/engine/site_stats.h"

#include <bit>

#include "bidline/config/stable_hash.h"

namespace bidline {

namespace {

std::uint64_t key_of(std::uint32_t line_item, std::uint32_t site) { return (std::uint64_t{line_item} + 1) << 32 | site; }
std::uint64_t slot_hash(std::uint64_t k) { return k * 0x9E3779B97F4A7C15ull; }

}  // namespace

std::uint32_t site_key(std::string_view site) {
    if (site.empty()) return 0;
    const std::uint64_t h = fnv1a(site);
    const auto folded = static_cast<std::uint32_t>(h ^ (h >> 32));
    return folded == 0 ? 1 : folded;
}

SiteStatsTable::SiteStatsTable(std::vector<std::uint64_t> keys, std::vector<SiteCounts> counts, std::vector<SiteCounts> totals)
    : keys_(std::move(keys)), counts_(std::move(counts)), totals_(std::move(totals)), mask_(keys_.size() - 1) {}

models::OutcomeStats SiteStatsTable::lookup(std::uint32_t line_item, std::uint32_t site) const noexcept {
    models::OutcomeStats s;
    if (site == 0) return s;  // no site: the slots stay missing, as in training without one
    s.present = true;
    s.prior_ctr = models::kPriorCtr;
    s.prior_cvr = models::kPriorCvr;
    if (line_item < totals_.size()) {
        const SiteCounts& t = totals_[line_item];
        s.prior_ctr = (t.clicks + models::kPriorCtr * models::kPriorImpressions) / (t.impressions + models::kPriorImpressions);
        s.prior_cvr = (t.conversions + models::kPriorCvr * models::kPriorClicks) / (t.clicks + models::kPriorClicks);
    }
    const std::uint64_t k = key_of(line_item, site);
    for (std::uint64_t i = slot_hash(k) & mask_;; i = (i + 1) & mask_) {
        if (keys_[i] == 0) return s;
        if (keys_[i] == k) {
            s.impressions = counts_[i].impressions;
            s.clicks = counts_[i].clicks;
            s.conversions = counts_[i].conversions;
            return s;
        }
    }
}

SiteStatsBook::SiteStatsBook() : recent_(kRecentBids) {}

void SiteStatsBook::note_bid(std::uint64_t bid_key, std::uint32_t line_item, std::uint32_t site, std::uint8_t score,
                             std::uint8_t creative, const VariantChoice& variants) {
    if (site == 0 && score == 0 && creative == 0xff) return;
    recent_[slot_hash(bid_key) & (kRecentBids - 1)] = Recent{bid_key, line_item, site, score, creative, variants};
}

bool SiteStatsBook::creative_of(std::uint64_t bid_key, std::uint32_t& line_item, std::uint8_t& creative,
                                VariantChoice* variants) const {
    const Recent* r = recent(bid_key);
    if (r == nullptr || r->creative == 0xff) return false;
    line_item = r->line_item;
    creative = r->creative;
    if (variants != nullptr) *variants = r->variants;
    return true;
}

std::uint8_t SiteStatsBook::score_of(std::uint64_t bid_key) const {
    const Recent* r = recent(bid_key);
    return r ? r->score : 0;
}

const SiteStatsBook::Recent* SiteStatsBook::recent(std::uint64_t bid_key) const {
    const Recent& r = recent_[slot_hash(bid_key) & (kRecentBids - 1)];
    return r.bid_key == bid_key && bid_key != 0 ? &r : nullptr;
}

SiteCounts* SiteStatsBook::counts_of(std::uint64_t bid_key, bool& known) {
    const Recent* r = recent(bid_key);
    known = r != nullptr && r->site != 0;
    if (!known) return nullptr;
    if (r->line_item >= totals_.size()) totals_.resize(r->line_item + 1);
    return &counts_[key_of(r->line_item, r->site)];
}

void SiteStatsBook::note_win(std::uint64_t bid_key) {
    bool known = false;
    if (SiteCounts* c = counts_of(bid_key, known)) {
        c->impressions += 1;
        totals_[recent(bid_key)->line_item].impressions += 1;
    }
}

void SiteStatsBook::note_click(std::uint64_t bid_key) {
    bool known = false;
    if (SiteCounts* c = counts_of(bid_key, known)) {
        c->clicks += 1;
        totals_[recent(bid_key)->line_item].clicks += 1;
    }
}

void SiteStatsBook::note_conversion(std::uint64_t bid_key) {
    bool known = false;
    if (SiteCounts* c = counts_of(bid_key, known)) {
        c->conversions += 1;
        totals_[recent(bid_key)->line_item].conversions += 1;
    }
}

std::shared_ptr<const SiteStatsTable> SiteStatsBook::publish() const {
    // Load factor at most 1/2: probes stay short.
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, counts_.size() * 2));
    std::vector<std::uint64_t> keys(capacity, 0);
    std::vector<SiteCounts> counts(capacity);
    for (const auto& [k, c] : counts_) {
        std::uint64_t i = slot_hash(k) & (capacity - 1);
        while (keys[i] != 0) i = (i + 1) & (capacity - 1);
        keys[i] = k;
        counts[i] = c;
    }
    return std::make_shared<const SiteStatsTable>(std::move(keys), std::move(counts), totals_);
}

}  // namespace bidline
