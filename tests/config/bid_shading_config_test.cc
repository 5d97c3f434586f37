// [line_item.bid] shading: on unless switched off; only true or false.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::line_of;
using config_test::load_error;
using config_test::load_text;
using config_test::with_line_item;

TEST(BidShadingConfig, ShadingIsOnByDefault) {
    const Config c = load_text(with_line_item("strategy = \"manual_cpm\"\ncpm = 2.0"));
    EXPECT_TRUE(c.campaigns.line_items.at(0).bid.shading);
}

TEST(BidShadingConfig, ShadingCanBeSwitchedOff) {
    const Config c = load_text(with_line_item("strategy = \"manual_cpm\"\ncpm = 2.0\nshading = false"));
    EXPECT_FALSE(c.campaigns.line_items.at(0).bid.shading);
}

TEST(BidShadingConfig, ShadingMustBeABoolean) {
    const std::string text = with_line_item("strategy = \"manual_cpm\"\ncpm = 2.0\nshading = \"no\"");
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), line_of(text, "shading = \"no\""));
    EXPECT_EQ(e.field(), "line_item.bid.shading");
    EXPECT_EQ(e.reason(), "expected true or false");
}

}  // namespace
}  // namespace bidline
