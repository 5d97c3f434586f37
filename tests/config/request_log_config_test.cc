// [engine.request_log]: which bid requests go to the event log.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_error;

TEST(RequestLogConfig, DefaultsToOnePercentSampled) {
    const Config c = load_config_text("[engine]\nshards = 1\n", "t.toml");
    EXPECT_EQ(c.engine.request_log.mode, RequestLogMode::sampled);
    EXPECT_DOUBLE_EQ(c.engine.request_log.sample_rate, 0.01);
}

TEST(RequestLogConfig, ModeAndRateAreRead) {
    const Config c = load_config_text("[engine.request_log]\nmode = \"full\"\nsample_rate = 0.25\n", "t.toml");
    EXPECT_EQ(c.engine.request_log.mode, RequestLogMode::full);
    EXPECT_DOUBLE_EQ(c.engine.request_log.sample_rate, 0.25);
    EXPECT_EQ(load_config_text("[engine.request_log]\nmode = \"off\"\n", "t.toml").engine.request_log.mode,
              RequestLogMode::off);
}

TEST(RequestLogConfig, UnknownModeNamesTheLineAndTheChoices) {
    const ConfigError e = load_error("[engine.request_log]\n\nmode = \"everything\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "engine.request_log.mode");
    EXPECT_EQ(e.reason(), "expected off, sampled or full, got \"everything\"");
}

TEST(RequestLogConfig, SampleRateMustBeAShare) {
    for (const char* bad : {"0", "-0.5", "1.5"}) {
        const ConfigError e = load_error("[engine.request_log]\nsample_rate = " + std::string(bad) + "\n");
        EXPECT_EQ(e.line(), 2) << bad;
        EXPECT_EQ(e.field(), "engine.request_log.sample_rate") << bad;
    }
}

}  // namespace
}  // namespace bidline
