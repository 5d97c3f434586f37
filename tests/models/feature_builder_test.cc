// FeatureBuilder: exact slots for a hand-built context, the time zone, the
// stable hash, missing values as NaN, and the schema check at model load.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "bidline/models/feature_builder.h"
#include "bidline/models/model_bundle.h"
#include "bidline/models/model_load_error.h"

namespace bidline::models {
namespace {

using Row = std::array<float, kFeatureCount>;

float slot(const Row& r, Feature f) { return r[static_cast<std::size_t>(f)]; }

Row build(const FeatureContext& c) {
    Row r;
    r.fill(-12345.0f);  // every slot must be written
    FeatureBuilder::build(c, r);
    return r;
}

// 2024-01-01 was a Monday.
constexpr std::int64_t kMonday2024Utc = 1704067200LL * 1'000'000;

FeatureContext full_context() {
    FeatureContext c;
    // Monday 03:30 UTC = Sunday 22:30 in New York (UTC-5 in January).
    c.time_utc_us = kMonday2024Utc + (3 * 3600 + 1800) * 1'000'000LL;
    c.utc_offset_minutes = -300;
    c.device_type = 4;
    c.os = "Android";
    c.user_agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
    c.country = "USA";
    c.region = "NY";
    c.site_domain = "WWW.News.example.com";
    c.publisher_id = "pub-7";
    c.media_format = static_cast<std::uint8_t>(MediaFormat::banner);
    c.width = 300;
    c.height = 250;
    c.position = 1;
    c.floor_cpm = 0.5;
    c.line_item_id = 42;
    c.creative_id = 7;
    c.stats = OutcomeStats{true, 1500, 20, 2};
    c.seconds_since_last_seen = 90;
    return c;
}

TEST(FeatureBuilder, WidthAndNamesAreFixed) {
    EXPECT_EQ(kFeatureCount, 22u);
    EXPECT_EQ(feature_names().size(), kFeatureCount);
    EXPECT_EQ(feature_names()[static_cast<std::size_t>(Feature::hour_of_week)], "hour_of_week");
    EXPECT_EQ(feature_names()[static_cast<std::size_t>(Feature::seconds_since_last_seen)], "seconds_since_last_seen");
}

TEST(FeatureBuilder, EverySlotOfAFullContext) {
    const Row r = build(full_context());
    EXPECT_EQ(slot(r, Feature::hour_of_week), 6 * 24 + 22);  // Sunday 22:00 local
    EXPECT_EQ(slot(r, Feature::day_of_week), 6);
    EXPECT_EQ(slot(r, Feature::hour_of_day), 22);
    EXPECT_EQ(slot(r, Feature::device_type), 4);
    EXPECT_EQ(slot(r, Feature::os), static_cast<float>(OsCode::android));
    EXPECT_EQ(slot(r, Feature::browser), static_cast<float>(BrowserCode::chrome));
    EXPECT_EQ(slot(r, Feature::country), (21 * 27 + 19) * 27 + 1);  // U S A, base 27 with a = 1
    EXPECT_EQ(slot(r, Feature::region_hash), FeatureBuilder::hash_bucket("NY"));
    EXPECT_EQ(slot(r, Feature::is_app), 0);
    EXPECT_EQ(slot(r, Feature::domain_or_bundle_hash), FeatureBuilder::hash_bucket("news.example.com"));
    EXPECT_EQ(slot(r, Feature::publisher_hash), FeatureBuilder::hash_bucket("pub-7"));
    EXPECT_EQ(slot(r, Feature::media_format), 1);
    EXPECT_EQ(slot(r, Feature::width), 300);
    EXPECT_EQ(slot(r, Feature::height), 250);
    EXPECT_EQ(slot(r, Feature::position), 1);
    EXPECT_EQ(slot(r, Feature::floor_cpm), 0.5f);
    EXPECT_GE(slot(r, Feature::line_item_hash), 0);
    EXPECT_LT(slot(r, Feature::line_item_hash), static_cast<float>(kHashBuckets));
    EXPECT_NE(slot(r, Feature::line_item_hash), slot(r, Feature::creative_hash));
    EXPECT_FLOAT_EQ(slot(r, Feature::hist_ctr), static_cast<float>((20 + kPriorCtr * kPriorImpressions) / (1500 + kPriorImpressions)));
    EXPECT_FLOAT_EQ(slot(r, Feature::hist_cvr), static_cast<float>((2 + kPriorCvr * kPriorClicks) / (20 + kPriorClicks)));
    EXPECT_FLOAT_EQ(slot(r, Feature::hist_impressions_log), static_cast<float>(std::log1p(1500.0)));
    EXPECT_EQ(slot(r, Feature::seconds_since_last_seen), 90);
}

TEST(FeatureBuilder, TimeZoneMovesTheHourAndTheDay) {
    FeatureContext c = full_context();
    c.utc_offset_minutes = 0;
    EXPECT_EQ(slot(build(c), Feature::hour_of_week), 3);  // Monday 03:00 UTC
    c.utc_offset_minutes = 330;                            // India: Monday 09:00
    EXPECT_EQ(slot(build(c), Feature::hour_of_week), 9);
    c.time_utc_us = -1;  // 1969-12-31 23:59:59.999999 UTC, a Wednesday
    c.utc_offset_minutes = 0;
    EXPECT_EQ(slot(build(c), Feature::day_of_week), 2);
    EXPECT_EQ(slot(build(c), Feature::hour_of_day), 23);
}

TEST(FeatureBuilder, HashIsStableFnv1a) {
    // Published FNV-1a 64 test vectors: the bucket of a value never changes
    // between builds, hosts or releases.
    EXPECT_EQ(FeatureBuilder::fnv1a(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(FeatureBuilder::fnv1a("a"), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(FeatureBuilder::fnv1a("foobar"), 0x85944171f73967e8ull);
    EXPECT_EQ(FeatureBuilder::hash_bucket("foobar"), static_cast<float>(0x85944171f73967e8ull % kHashBuckets));
    EXPECT_EQ(FeatureBuilder::domain_bucket("www.Example.COM"), FeatureBuilder::hash_bucket("example.com"));
}

TEST(FeatureBuilder, MissingValuesAreNaN) {
    FeatureContext c;  // nothing known but the time
    const Row r = build(c);
    for (std::size_t i = 0; i < kFeatureCount; ++i) {
        const auto f = static_cast<Feature>(i);
        if (f == Feature::hour_of_week || f == Feature::day_of_week || f == Feature::hour_of_day ||
            f == Feature::floor_cpm) {
            EXPECT_FALSE(std::isnan(r[i])) << feature_names()[i];
        } else {
            EXPECT_TRUE(std::isnan(r[i])) << feature_names()[i];
        }
    }
    EXPECT_EQ(slot(r, Feature::floor_cpm), 0);  // no floor is a real value
    c.floor_cpm = std::nan("");
    c.country = "U1A";
    EXPECT_TRUE(std::isnan(slot(build(c), Feature::floor_cpm)));
    EXPECT_TRUE(std::isnan(slot(build(c), Feature::country)));
}

TEST(FeatureBuilder, AppTrafficUsesTheBundle) {
    FeatureContext c = full_context();
    c.site_domain = {};
    c.app_bundle = "com.example.game";
    c.os = "iOS";
    c.user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
    const Row r = build(c);
    EXPECT_EQ(slot(r, Feature::is_app), 1);
    EXPECT_EQ(slot(r, Feature::domain_or_bundle_hash), FeatureBuilder::hash_bucket("com.example.game"));
    EXPECT_EQ(slot(r, Feature::os), static_cast<float>(OsCode::ios));
    EXPECT_EQ(slot(r, Feature::browser), static_cast<float>(BrowserCode::in_app));
}

class ModelBundleSchema : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("bidline_bundle_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(ModelBundleSchema, RoundTripsAndRefusesAnotherVersion) {
    const FeatureSchema current = current_feature_schema();
    std::ofstream(dir_ / "schema.json") << feature_schema_json(current);
    const FeatureSchema back = read_feature_schema(dir_ / "schema.json");
    EXPECT_EQ(back.version, kFeatureSchemaVersion);
    EXPECT_EQ(back.features, current.features);
    EXPECT_NO_THROW(check_feature_schema(back, dir_ / "schema.json"));

    FeatureSchema old = current;
    old.version = kFeatureSchemaVersion + 1;
    std::ofstream(dir_ / "schema.json") << feature_schema_json(old);
    try {
        (void)load_model_bundle(dir_);
        FAIL() << "a bundle of another schema version loaded";
    } catch (const ModelLoadError& e) {
        EXPECT_NE(std::string(e.what()).find("feature schema version " + std::to_string(kFeatureSchemaVersion + 1)),
                  std::string::npos)
            << e.what();
    }
    std::filesystem::remove(dir_ / "schema.json");
    EXPECT_THROW((void)load_model_bundle(dir_), ModelLoadError);
}

}  // namespace
}  // namespace bidline::models
