// Strong id types. External ids (from configuration, the admin API and
// events) are strings; inside a published Catalog each object also has a
// dense index so that the hot path can use bitsets and arrays.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace bidline {

template <class Tag>
struct StrongId {
    std::string value;
    auto operator<=>(const StrongId&) const = default;
};

struct AdvertiserTag;
struct CampaignTag;
struct LineItemTag;
struct CreativeTag;
using AdvertiserId = StrongId<AdvertiserTag>;
using CampaignId = StrongId<CampaignTag>;
using LineItemId = StrongId<LineItemTag>;
using CreativeId = StrongId<CreativeTag>;

template <class Tag>
struct DenseIndex {
    std::uint32_t value = 0;
    auto operator<=>(const DenseIndex&) const = default;
};
using CampaignIndex = DenseIndex<CampaignTag>;
using LineItemIndex = DenseIndex<LineItemTag>;
using CreativeIndex = DenseIndex<CreativeTag>;

}  // namespace bidline

template <class Tag>
struct std::hash<bidline::StrongId<Tag>> {
    std::size_t operator()(const bidline::StrongId<Tag>& id) const noexcept { return std::hash<std::string>{}(id.value); }
};
