// Helpers for the config tests: write TOML to a file under
// testing::TempDir() and load it through load_config_file, as a user's
// config is loaded, and find the line a snippet sits on so that assertions
// about error lines stay readable.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "bidline/config/config.h"

namespace bidline::config_test {

inline std::filesystem::path write_temp_file(std::string_view text) {
    // Unique per call: tests in one process must not overwrite each other's files.
    static std::atomic<int> counter{0};
    const auto path = std::filesystem::path(testing::TempDir()) /
                      ("bidline_config_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".toml");
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

inline Config load_text(std::string_view text) {
    const auto path = write_temp_file(text);
    Config config = load_config_file(path);
    std::filesystem::remove(path);
    return config;
}

// The error loading `text` raises; a test failure (and an empty error) if it loads.
inline ConfigError load_error(std::string_view text) {
    const auto path = write_temp_file(text);
    try {
        load_config_file(path);
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), path.string());
        std::filesystem::remove(path);
        return e;
    }
    ADD_FAILURE() << "expected a ConfigError, but the configuration loaded:\n" << text;
    return ConfigError("", 0, "", "");
}

// 1-based line of the first line containing `needle`; 0 if none.
inline int line_of(std::string_view text, std::string_view needle) {
    const auto at = text.find(needle);
    if (at == std::string_view::npos) return 0;
    int line = 1;
    for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
    return line;
}

// A valid advertiser and campaign for line item tests to build on.
inline constexpr std::string_view kAdvertiserAndCampaign = R"([[advertiser]]
id = "adv-a"
name = "A"
domains = ["a.com"]

[[campaign]]
id = "cmp-a"
advertiser = "adv-a"
daily_budget = 100.0
start = 2026-01-01
end = 2026-12-31
)";

// kAdvertiserAndCampaign plus one line item whose bid table body is `bid`,
// whose targeting table body is `targeting`, and with one 300x250 banner.
inline std::string with_line_item(std::string_view bid, std::string_view targeting = "") {
    std::string text(kAdvertiserAndCampaign);
    text += "\n[[line_item]]\nid = \"li-a\"\ncampaign = \"cmp-a\"\n[line_item.bid]\n";
    text += bid;
    text += "\n[line_item.targeting]\n";
    text += targeting;
    text += "\n[[line_item.creative]]\nid = \"cr-a\"\nformat = \"banner\"\nw = 300\nh = 250\nmarkup = \"<img>\"\n";
    return text;
}

// An advertiser "adv" with no campaign, and campaigns of it with `extra`
// keys: for tests of campaign-level settings.
inline constexpr std::string_view kAdvertiser = "[[advertiser]]\nid = \"adv\"\n";
inline std::string campaign(std::string_view id, std::string_view extra) {
    return "\n[[campaign]]\nid = \"" + std::string(id) +
           "\"\nadvertiser = \"adv\"\ndaily_budget = 10.0\nstart = 2026-01-01\nend = 2026-12-31\n" + std::string(extra);
}

}  // namespace bidline::config_test
