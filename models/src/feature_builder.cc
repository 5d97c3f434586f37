#include "bidline/models/feature_builder.h"

#include <cmath>
#include <limits>

#include "bidline/config/stable_hash.h"

namespace bidline::models {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

float bucket_of(std::uint64_t hash) { return static_cast<float>(hash % kHashBuckets); }

float id_bucket(std::uint64_t id) {
    if (id == 0) return kNaN;
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((id >> (8 * i)) & 0xff);  // little-endian, any host
    return bucket_of(FeatureBuilder::fnv1a(std::string_view(bytes, 8)));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void set(std::span<float, kFeatureCount> row, Feature f, float v) { row[static_cast<std::size_t>(f)] = v; }

float code_or_nan(unsigned code) { return code == 0 ? kNaN : static_cast<float>(code); }

}  // namespace

const std::array<std::string_view, kFeatureCount>& feature_names() {
    static constexpr std::array<std::string_view, kFeatureCount> kNames = {
        "hour_of_week",   "day_of_week",    "hour_of_day",   "device_type",          "os",
        "browser",        "country",        "region_hash",   "is_app",               "domain_or_bundle_hash",
        "publisher_hash", "media_format",   "width",         "height",               "position",
        "floor_cpm",      "line_item_hash", "creative_hash", "hist_ctr",             "hist_cvr",
        "hist_impressions_log", "seconds_since_last_seen"};
    return kNames;
}

std::uint64_t FeatureBuilder::fnv1a(std::string_view bytes) noexcept { return bidline::fnv1a(bytes); }

float FeatureBuilder::hash_bucket(std::string_view bytes) noexcept {
    return bytes.empty() ? kNaN : bucket_of(fnv1a(bytes));
}

float FeatureBuilder::domain_bucket(std::string_view domain) noexcept {
    if (domain.size() > 4 && iequals(domain.substr(0, 4), "www.")) domain.remove_prefix(4);
    if (domain.empty()) return kNaN;
    std::uint64_t h = kFnv1aOffset;  // fnv1a of the lower-cased bytes, without a copy
    for (const char c : domain) {
        h ^= static_cast<unsigned char>(lower(c));
        h *= kFnv1aPrime;
    }
    return bucket_of(h);
}

float FeatureBuilder::os_code(std::string_view os) noexcept {
    if (os.empty()) return kNaN;
    OsCode code = OsCode::other;
    if (iequals(os, "ios") || iequals(os, "ipados")) code = OsCode::ios;
    else if (iequals(os, "android")) code = OsCode::android;
    else if (iequals(os, "windows")) code = OsCode::windows;
    else if (iequals(os, "macos") || iequals(os, "mac os") || iequals(os, "os x") || iequals(os, "mac os x")) code = OsCode::macos;
    else if (iequals(os, "linux")) code = OsCode::linux_os;
    else if (iequals(os, "chrome os") || iequals(os, "chromeos")) code = OsCode::chrome_os;
    return static_cast<float>(code);
}

float FeatureBuilder::browser_code(std::string_view ua) noexcept {
    if (ua.empty()) return kNaN;
    // Order matters: most browsers also claim "Chrome/" or "Safari/".
    BrowserCode code = BrowserCode::other;
    if (contains(ua, "; wv)") || contains(ua, "FBAN/") || contains(ua, "Instagram")) code = BrowserCode::in_app;
    else if (contains(ua, "SamsungBrowser/")) code = BrowserCode::samsung;
    else if (contains(ua, "Edg/") || contains(ua, "Edge/") || contains(ua, "EdgA/") || contains(ua, "EdgiOS/")) code = BrowserCode::edge;
    else if (contains(ua, "OPR/") || contains(ua, "Opera")) code = BrowserCode::opera;
    else if (contains(ua, "Firefox/") || contains(ua, "FxiOS/")) code = BrowserCode::firefox;
    else if (contains(ua, "Chrome/") || contains(ua, "CriOS/")) code = BrowserCode::chrome;
    else if (contains(ua, "Safari/")) code = BrowserCode::safari;
    else if (contains(ua, "Mobile/")) code = BrowserCode::in_app;  // iOS web view: no "Safari/"
    return static_cast<float>(code);
}

float FeatureBuilder::country_code(std::string_view iso) noexcept {
    if (iso.size() < 2 || iso.size() > 3) return kNaN;
    // Base 27 with 0 for "no third letter": alpha-2 and alpha-3 never collide.
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        std::uint32_t digit = 0;
        if (i < iso.size()) {
            const char c = lower(iso[i]);
            if (c < 'a' || c > 'z') return kNaN;
            digit = static_cast<std::uint32_t>(c - 'a') + 1;
        }
        v = v * 27 + digit;
    }
    return static_cast<float>(v);
}

void FeatureBuilder::build(const FeatureContext& c, std::span<float, kFeatureCount> row) noexcept {
    build_request_slots(c, row);
    build_candidate_slots(c, row);
}

void FeatureBuilder::build_candidate_slots(const FeatureContext& c, std::span<float, kFeatureCount> row) noexcept {
    const std::int64_t local_s = floor_div(c.time_utc_us, 1'000'000) + std::int64_t{c.utc_offset_minutes} * 60;
    const std::int64_t day = floor_div(local_s, 86'400);
    const auto hour = static_cast<int>(floor_div(local_s - day * 86'400, 3'600));
    const auto weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday (3)
    set(row, Feature::hour_of_week, static_cast<float>(weekday * 24 + hour));
    set(row, Feature::day_of_week, static_cast<float>(weekday));
    set(row, Feature::hour_of_day, static_cast<float>(hour));
    set(row, Feature::width, code_or_nan(c.width));
    set(row, Feature::height, code_or_nan(c.height));
    set(row, Feature::line_item_hash, id_bucket(c.line_item_id));
    set(row, Feature::creative_hash, id_bucket(c.creative_id));

    const OutcomeStats& s = c.stats;
    const bool stats = s.present && s.impressions >= 0 && s.clicks >= 0 && s.conversions >= 0;
    const double prior_ctr = s.prior_ctr > 0 && s.prior_ctr <= 1 ? s.prior_ctr : kPriorCtr;  // NaN fails both
    const double prior_cvr = s.prior_cvr > 0 && s.prior_cvr <= 1 ? s.prior_cvr : kPriorCvr;
    set(row, Feature::hist_ctr,
        stats ? static_cast<float>((s.clicks + prior_ctr * kPriorImpressions) / (s.impressions + kPriorImpressions)) : kNaN);
    set(row, Feature::hist_cvr,
        stats ? static_cast<float>((s.conversions + prior_cvr * kPriorClicks) / (s.clicks + kPriorClicks)) : kNaN);
    set(row, Feature::hist_impressions_log, stats ? static_cast<float>(std::log1p(s.impressions)) : kNaN);
}

void FeatureBuilder::build_request_slots(const FeatureContext& c, std::span<float, kFeatureCount> row) noexcept {
    set(row, Feature::device_type, code_or_nan(c.device_type));
    set(row, Feature::os, os_code(c.os));
    set(row, Feature::browser, browser_code(c.user_agent));
    set(row, Feature::country, country_code(c.country));
    set(row, Feature::region_hash, hash_bucket(c.region));

    const bool app = !c.app_bundle.empty();
    const bool site = !c.site_domain.empty();
    set(row, Feature::is_app, app ? 1.0f : site ? 0.0f : kNaN);
    set(row, Feature::domain_or_bundle_hash, app ? hash_bucket(c.app_bundle) : domain_bucket(c.site_domain));
    set(row, Feature::publisher_hash, hash_bucket(c.publisher_id));

    set(row, Feature::media_format, code_or_nan(c.media_format));
    set(row, Feature::position, code_or_nan(c.position));
    set(row, Feature::floor_cpm, c.floor_cpm >= 0.0 ? static_cast<float>(c.floor_cpm) : kNaN);  // NaN fails >=
    set(row, Feature::seconds_since_last_seen,
        c.seconds_since_last_seen >= 0.0 ? static_cast<float>(c.seconds_since_last_seen) : kNaN);
}

}  // namespace bidline::models
