// [engine] stream_port: the binary event stream listener is off unless
// asked for; 0 picks a free port; anything outside 0..65535 names its line.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_error;
using config_test::load_text;

TEST(StreamPort, UnsetMeansNoStreamListener) {
    EXPECT_FALSE(load_text("[engine]\nshards = 1\n").engine.stream_port.has_value());
}

TEST(StreamPort, PortAndZeroAreRead) {
    EXPECT_EQ(load_text("[engine]\nstream_port = 9100\n").engine.stream_port, std::optional<std::uint16_t>(9100));
    EXPECT_EQ(load_text("[engine]\nstream_port = 0\n").engine.stream_port, std::optional<std::uint16_t>(0));
}

TEST(StreamPort, OutOfRangeOrWrongTypeIsAnErrorOnItsLine) {
    const ConfigError big = load_error("[engine]\nshards = 1\nstream_port = 70000\n");
    EXPECT_EQ(big.line(), 3);
    EXPECT_EQ(big.field(), "engine.stream_port");
    const ConfigError text = load_error("[engine]\nstream_port = \"9100\"\n");
    EXPECT_EQ(text.line(), 2);
    EXPECT_EQ(text.field(), "engine.stream_port");
}

}  // namespace
}  // namespace bidline
