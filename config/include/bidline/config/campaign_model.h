// The campaign hierarchy as users configure it: advertiser -> campaign ->
// line item -> creative. Plain values, built by the TOML loader (and later
// the admin API); the engine compiles it into an immutable Catalog.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/ids.h"
#include "bidline/config/money.h"

namespace bidline {

// Calendar date in the advertiser's time zone (flight dates are inclusive).
using Date = std::chrono::year_month_day;

enum class MediaType : std::uint8_t { banner, video, native, audio };
inline constexpr int kMediaTypeCount = 4;

// OpenRTB 2.6 device types (list 5.21): 1 mobile/tablet, 2 PC, 3 CTV,
// 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH.
using DeviceType = std::uint8_t;

enum class BidStrategy : std::uint8_t { manual_cpm, manual_cpc, max_clicks, target_cpa, target_roas, max_conversions };
enum class PacingMode : std::uint8_t { even, traffic, asap, front_loaded };

struct Size {
    std::uint16_t w = 0;
    std::uint16_t h = 0;
    auto operator<=>(const Size&) const = default;
};

// Empty lists mean "no restriction on this dimension".
struct Targeting {
    std::vector<MediaType> media;
    std::vector<Size> sizes;
    std::vector<std::string> countries;      // ISO-3166-1 alpha-3, as OpenRTB geo.country
    std::vector<std::string> regions;        // ISO-3166-2 subdivision code, e.g. "CA" or "US-CA"
    std::vector<DeviceType> device_types;
    std::vector<std::string> os;             // case-insensitive, e.g. "ios", "android"
    std::vector<std::string> domains_allow;  // site.domain
    std::vector<std::string> domains_block;
    std::vector<std::string> bundles_allow;  // app.bundle
    std::vector<std::string> bundles_block;
    std::vector<std::string> deals;          // deal ids; non-empty = deals only
};

struct BidSettings {
    BidStrategy strategy = BidStrategy::manual_cpm;
    Micros cpm{};       // manual_cpm: the bid (CPM, micros)
    Micros cpc{};       // manual_cpc
    Micros target_cpa{};
    double target_roas = 0.0;
    Micros max_cpm{};   // never bid above this CPM (0 = no cap beyond cpm)
    // First-price auctions: bid the surplus-maximising shade of the value
    // (pacing/shading_model.h) instead of the value itself.
    bool shading = true;
};

// One component slot of a template creative: `{{name}}` in the markup is
// replaced per request by one of `variants`, chosen by the slot's bandit
// (config/README.md, "Dynamic creatives").
struct TemplateSlot {
    std::string name;
    std::vector<std::string> variants;
    bool operator==(const TemplateSlot&) const = default;
};

struct Creative {
    CreativeId id;
    MediaType format = MediaType::banner;
    Size size;                          // banner/video player size; 0x0 = any (native, audio)
    std::vector<std::string> adomain;
    std::vector<std::string> categories;  // IAB content categories of the ad
    std::string markup;                 // adm template; may use ${AUCTION_PRICE} etc.
    std::string mime = "text/html";
    std::vector<TemplateSlot> slots;    // non-empty: the markup is a template
};

struct LineItem {
    LineItemId id;
    CampaignId campaign;
    std::string name;
    Targeting targeting;
    BidSettings bid;
    Micros daily_budget{};    // 0 = only the campaign's budget applies
    Micros lifetime_budget{};
    std::vector<Creative> creatives;
};

// Hour-of-week schedule in the campaign's time zone: slot = weekday × 24 +
// hour, Monday = 0. Off hours get no bids and no planned budget; on hours
// scale the bid by their multiplier. The default is on everywhere at 1.0.
struct Daypart {
    static constexpr int kHours = 168;
    std::array<bool, kHours> on = filled(true);
    std::array<float, kHours> multiplier = filled(1.0f);

    bool operator==(const Daypart&) const = default;

private:
    template <class T>
    static constexpr std::array<T, kHours> filled(T v) {
        std::array<T, kHours> a{};
        a.fill(v);
        return a;
    }
};

// The campaign's ids on the ad platforms whose reports are posted to
// /v1/reports/{google_ads,meta,tiktok}; empty = no such campaign there.
// Numeric strings as the platforms print them; unique per platform.
struct PlatformCampaignIds {
    std::string google_ads;
    std::string meta;
    std::string tiktok;
    bool operator==(const PlatformCampaignIds&) const = default;
};

// Who runs a campaign's auctions. `none`: bidline bids for it on
// /openrtb2/bid. Otherwise the ad platform does: the campaign's line items
// never bid in our auctions (the control loop leaves them out of the live
// set and grants them no lease) and the control loop publishes bid and
// budget adjustments for the platform's connector (GET /v1/adjustments).
enum class AdPlatform : std::uint8_t { none, google_ads, meta, tiktok };

inline std::string_view to_string(AdPlatform p) {
    switch (p) {
        case AdPlatform::google_ads: return "google_ads";
        case AdPlatform::meta: return "meta";
        case AdPlatform::tiktok: return "tiktok";
        case AdPlatform::none: break;
    }
    return "none";
}

// "google_ads", "meta", "tiktok"; nullopt for anything else (also "none").
inline std::optional<AdPlatform> parse_ad_platform(std::string_view name) {
    if (name == "google_ads") return AdPlatform::google_ads;
    if (name == "meta") return AdPlatform::meta;
    if (name == "tiktok") return AdPlatform::tiktok;
    return std::nullopt;
}

// The campaign's id on platform `p` (empty if none, or p is none).
inline const std::string& platform_campaign_id(const PlatformCampaignIds& ids, AdPlatform p) {
    static const std::string kNone;
    return p == AdPlatform::google_ads ? ids.google_ads : p == AdPlatform::meta ? ids.meta : p == AdPlatform::tiktok ? ids.tiktok : kNone;
}

// A holdout experiment: users whose hash of (id, user id) falls below
// `holdout_share` never get a bid from the campaign, so comparing their
// conversions with the other users' measures what the campaign added.
struct CampaignExperiment {
    std::string id;             // hashed with the user id; default: the campaign id
    double holdout_share = 0;   // 0 = no experiment
    bool active() const { return holdout_share > 0; }
};

struct Campaign {
    CampaignId id;
    AdvertiserId advertiser;
    std::string name;
    Micros daily_budget{};
    Micros lifetime_budget{};  // 0 = none
    Date start{};
    Date end{};
    PacingMode pacing = PacingMode::even;
    std::string timezone;      // IANA name; empty = the advertiser's
    Daypart daypart;
    bool paused = false;       // manual pause: no bids, no leases
    // Manual override of the pacing controller's bid multiplier (0 = none):
    // the controller keeps learning but the bid path uses this value.
    double bid_multiplier_override = 0.0;
    PlatformCampaignIds platform_ids;
    AdPlatform managed_by = AdPlatform::none;  // requires that platform's id in platform_ids
    CampaignExperiment experiment;
    bool managed() const { return managed_by != AdPlatform::none; }
};

struct Advertiser {
    AdvertiserId id;
    std::string name;
    std::string currency = "USD";
    std::string timezone = "UTC";  // IANA name, e.g. "America/New_York"
    std::vector<std::string> domains;
};

struct CampaignModel {
    std::vector<Advertiser> advertisers;
    std::vector<Campaign> campaigns;
    std::vector<LineItem> line_items;
};

}  // namespace bidline
