// FeatureBuilder: the one definition of a model's input row, shared by the
// bid path, replay and `bidline train` so that what a model was trained on
// is exactly what it is served (no train/serve skew). Callers fill a
// FeatureContext from whatever they hold (a parsed OpenRTB request, a
// replay record, the control loop's stats) and get a fixed-width row of
// floats. The slots, their order and their encoding are the feature schema;
// any change to them bumps kFeatureSchemaVersion, which is stored with every
// model (model_bundle.h) and checked when the model is loaded.
//
// Encoding (models/README.md has the table): categories are small fixed
// codes (OS, browser, media format) or stable FNV-1a hashes into
// kHashBuckets buckets (domain/bundle, publisher, region, line item,
// creative) used as numeric ids that trees split on; unknown or absent
// values are NaN, which XGBoost and our evaluators route down each node's
// default branch.
//
// Pure and allocation-free: build() writes into the caller's row, so the bid
// path may call it per candidate on any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bidline::models {

// Bump on any change to a slot's meaning, order or encoding.
inline constexpr std::uint32_t kFeatureSchemaVersion = 1;

// Hashed ids fall in [0, kHashBuckets): below 2^24, so exact in a float.
inline constexpr std::uint32_t kHashBuckets = std::uint32_t{1} << 20;

// Slot indices of the row; kCount is the width.
enum class Feature : std::uint8_t {
    hour_of_week,        // 0..167 in the campaign's zone, Monday 00:00 = 0
    day_of_week,         // 0..6, Monday = 0
    hour_of_day,         // 0..23
    device_type,         // OpenRTB devicetype (1..7); 0/unknown = NaN
    os,                  // OsCode
    browser,             // BrowserCode, from the user agent
    country,             // ISO-3166 alpha-3 (or alpha-2) packed base 27
    region_hash,         // hashed geo region
    is_app,              // 1 app, 0 site, NaN neither
    domain_or_bundle_hash,  // hashed site domain (lower case, no "www.") or app bundle
    publisher_hash,      // hashed publisher id
    media_format,        // MediaFormat
    width,               // creative slot width, px
    height,              // creative slot height, px
    position,            // OpenRTB ad position (1..7); 0/unknown = NaN
    floor_cpm,           // bid floor, CPM in the account currency; 0 = no floor
    line_item_hash,      // hashed line item id
    creative_hash,       // hashed creative id
    hist_ctr,            // smoothed CTR of line item × site (stats)
    hist_cvr,            // smoothed CVR (conversions per click) of line item × site
    hist_impressions_log,  // log1p(impressions) behind hist_ctr: how much to trust it
    seconds_since_last_seen,  // recency: seconds since this user's previous request or impression
    kCount
};

inline constexpr std::size_t kFeatureCount = static_cast<std::size_t>(Feature::kCount);

// The schema's slot names, in slot order (written to schema.json).
const std::array<std::string_view, kFeatureCount>& feature_names();

enum class OsCode : std::uint8_t { ios = 1, android = 2, windows = 3, macos = 4, linux_os = 5, chrome_os = 6, other = 7 };
enum class BrowserCode : std::uint8_t {
    chrome = 1, safari = 2, firefox = 3, edge = 4, samsung = 5, opera = 6, in_app = 7, other = 8
};
enum class MediaFormat : std::uint8_t { banner = 1, video = 2, audio = 3, native = 4 };

// Historical outcomes of line item × site, as the control loop counts them
// (or as training counts them from earlier rows). Absent → NaN slots. The
// priors are the line item's rates over all sites (what a site with no
// history is expected to do); 0 or NaN → kPriorCtr / kPriorCvr.
struct OutcomeStats {
    bool present = false;
    double impressions = 0;
    double clicks = 0;
    double conversions = 0;
    double prior_ctr = 0;
    double prior_cvr = 0;
};

// Everything the row is built from, as plain values. Empty string_views and
// zero codes mean "unknown". Views must stay valid during build().
struct FeatureContext {
    std::int64_t time_utc_us = 0;         // when the request arrived
    std::int32_t utc_offset_minutes = 0;  // the campaign's zone at that instant (e.g. -300 for New York in winter)
    std::uint8_t device_type = 0;
    std::string_view os;
    std::string_view user_agent;
    std::string_view country;
    std::string_view region;
    std::string_view site_domain;   // set for site traffic
    std::string_view app_bundle;    // set for app traffic
    std::string_view publisher_id;
    std::uint8_t media_format = 0;  // MediaFormat, 0 = unknown
    std::uint16_t width = 0, height = 0;
    std::uint8_t position = 0;
    double floor_cpm = 0.0;         // NaN or negative = unknown
    std::uint64_t line_item_id = 0; // 0 = none (e.g. training on exchange logs)
    std::uint64_t creative_id = 0;
    OutcomeStats stats;
    double seconds_since_last_seen = -1.0;  // negative = unknown (first sight)
};

// Smoothing of hist_ctr / hist_cvr: a Beta prior worth kPriorImpressions
// impressions at the stats' prior_ctr, and kPriorClicks clicks at prior_cvr;
// kPriorCtr / kPriorCvr stand in when the caller has no prior.
inline constexpr double kPriorCtr = 0.002;
inline constexpr double kPriorImpressions = 500.0;
inline constexpr double kPriorCvr = 0.05;
inline constexpr double kPriorClicks = 20.0;

class FeatureBuilder {
public:
    static void build(const FeatureContext& ctx, std::span<float, kFeatureCount> row) noexcept;
    // build() in two halves, for the bid path: the slots every candidate of
    // an imp shares (device, geo, site, format, position, floor, recency)
    // once per imp, then per candidate the slots that differ (time in the
    // campaign's zone, slot size, line item, creative, history).
    static void build_request_slots(const FeatureContext& ctx, std::span<float, kFeatureCount> row) noexcept;
    static void build_candidate_slots(const FeatureContext& ctx, std::span<float, kFeatureCount> row) noexcept;

    // The pieces, public so tests and tools can name a slot's value.
    [[nodiscard]] static std::uint64_t fnv1a(std::string_view bytes) noexcept;
    [[nodiscard]] static float hash_bucket(std::string_view bytes) noexcept;  // NaN when empty
    [[nodiscard]] static float domain_bucket(std::string_view domain) noexcept;  // lower case, no "www."
    [[nodiscard]] static float os_code(std::string_view os) noexcept;
    [[nodiscard]] static float browser_code(std::string_view user_agent) noexcept;
    [[nodiscard]] static float country_code(std::string_view iso) noexcept;
};

}  // namespace bidline::models
