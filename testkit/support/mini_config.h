// The smallest configuration that bids, for tests that run the real
// binary with `--config`: advertiser "adv", campaign "cmp", line item "li"
// bidding a manual CPM (or `strategy`) with one responsive-size 300x250 banner "cr".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bidline::test {

struct MiniConfig {
    std::string engine;          // lines of the [engine] table (and any tables after it)
    double daily_budget = 100.0;
    std::string campaign_extra;  // more keys of the campaign, e.g. "pacing = \"asap\"\n"
    double cpm = 1.0;
    std::string strategy = "manual_cpm";  // with `cpm` as its fallback when it needs a model
    std::string bid_extra;                // more keys of [line_item.bid], e.g. "cpc = 2.0\n"
    std::string creative_extra;           // more [[line_item.creative]] tables after "cr"
};

// One NDJSON win (no newline) of the mini configuration's line item "li",
// event id "w<n>", bid id 0x100 + n, timestamped now.
std::string mini_win_event(int n);

// Writes the configuration into the test's temp dir under `file_name`.
std::filesystem::path write_mini_config(std::string_view file_name, const MiniConfig& config);

}  // namespace bidline::test
