// Enum names are the words users write in the TOML file; to_string and the
// parsers must agree on every value and refuse anything else.
#include <gtest/gtest.h>

#include "bidline/config/config.h"

namespace bidline {
namespace {

TEST(EnumNames, MediaTypesRoundTrip) {
    for (MediaType m : {MediaType::banner, MediaType::video, MediaType::native, MediaType::audio}) {
        EXPECT_EQ(parse_media_type(to_string(m)), m);
    }
    EXPECT_EQ(to_string(MediaType::native), "native");
    EXPECT_EQ(parse_media_type("display"), std::nullopt);
    EXPECT_EQ(parse_media_type("Banner"), std::nullopt);
}

TEST(EnumNames, BidStrategiesRoundTrip) {
    for (BidStrategy s : {BidStrategy::manual_cpm, BidStrategy::manual_cpc, BidStrategy::max_clicks,
                          BidStrategy::target_cpa, BidStrategy::target_roas, BidStrategy::max_conversions}) {
        EXPECT_EQ(parse_bid_strategy(to_string(s)), s);
    }
    EXPECT_EQ(to_string(BidStrategy::target_roas), "target_roas");
    EXPECT_EQ(parse_bid_strategy("cpm"), std::nullopt);
}

TEST(EnumNames, PacingModesRoundTrip) {
    for (PacingMode p : {PacingMode::even, PacingMode::traffic, PacingMode::asap, PacingMode::front_loaded}) {
        EXPECT_EQ(parse_pacing_mode(to_string(p)), p);
    }
    EXPECT_EQ(to_string(PacingMode::front_loaded), "front_loaded");
    EXPECT_EQ(parse_pacing_mode(""), std::nullopt);
}

}  // namespace
}  // namespace bidline
