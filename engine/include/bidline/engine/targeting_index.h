// The targeting index: for every targeting dimension and every value seen in
// the catalog, the set of line items that accept that value (those that
// target it plus those that do not restrict the dimension). Eligibility of
// an imp is an AND of a handful of such sets, so a request costs the same
// whether the catalog has 10 line items or 10,000 (up to the bitset width:
// 10,000 line items are 157 words per set).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bidline/config/campaign_model.h"
#include "bidline/engine/bid_request.h"
#include "bidline/engine/line_item_set.h"

namespace bidline {

// One targeting dimension keyed by a normalised string.
class StringDimension {
public:
    void init(std::uint32_t capacity);
    // `li` accepts exactly these values (an empty list means all values).
    void add(std::uint32_t li, const std::vector<std::string>& values);
    // Line items accepting `value` (already normalised).
    const LineItemSet& accepting(std::string_view value) const;
    const LineItemSet& unrestricted() const { return unrestricted_; }
    // Line items that listed `value` explicitly (block lists, deals); null if none.
    const LineItemSet* listed(std::string_view value) const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::uint32_t capacity_ = 0;
    std::unordered_map<std::string, LineItemSet, Hash, std::equal_to<>> by_value_;
    LineItemSet unrestricted_;
    std::vector<std::uint32_t> restricted_;  // line items with a non-empty list (for finalize)
    friend class TargetingIndex;
    void finalize();
};

// Per-shard scratch space for eligibility queries: sized for one catalog.
struct EligibilityScratch {
    LineItemSet eligible, tmp;
    char norm[256];  // normalised string buffer (lower-cased domain etc.)
    void resize(std::uint32_t capacity) { eligible = LineItemSet(capacity); tmp = LineItemSet(capacity); }
};

class TargetingIndex {
public:
    void build(const std::vector<const LineItem*>& line_items_by_index);

    // Fills scratch.eligible with the line items whose targeting and
    // creatives fit this imp of this request. `live` masks out paused,
    // out-of-flight and out-of-budget line items.
    void eligible(const BidRequestView& req, const ImpView& imp, const LineItemSet& live,
                  EligibilityScratch& scratch) const;

    std::uint32_t capacity() const { return capacity_; }

private:
    std::uint32_t capacity_ = 0;
    // Creative fit: format and, for banners, the exact size.
    std::unordered_map<std::uint64_t, LineItemSet> creative_fit_;  // key = format<<32 | w<<16 | h
    LineItemSet empty_;
    StringDimension sizes_, countries_, regions_, device_types_, os_, site_allow_, app_allow_, deals_;
    StringDimension domain_block_, bundle_block_;  // "accepting" = line items that block it
    LineItemSet no_allow_list_;  // neither a domain nor a bundle allow list
    LineItemSet no_deals_;       // open-auction line items

    const LineItemSet& fit(MediaType m, std::uint16_t w, std::uint16_t h) const;
};

// Lower-cases `in` into `out` (capacity n), dropping a leading "www.";
// returns the normalised view (truncated to n).
std::string_view normalise_domain(std::string_view in, char* out, std::size_t n);
std::string_view normalise_lower(std::string_view in, char* out, std::size_t n);

}  // namespace bidline
