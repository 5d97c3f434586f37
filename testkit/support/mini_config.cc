#include "support/mini_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace bidline::test {

std::filesystem::path write_mini_config(std::string_view file_name, const MiniConfig& c) {
    const auto path = std::filesystem::path(testing::TempDir()) / file_name;
    std::ofstream out(path);
    out << "[engine]\n"
        << c.engine << "\n"
        << "[[advertiser]]\nid = \"adv\"\n"
        << "[[campaign]]\nid = \"cmp\"\nadvertiser = \"adv\"\n"
        << "daily_budget = " << c.daily_budget << "\n"
        << "start = 2024-01-01\nend = 2035-12-31\n"
        << c.campaign_extra
        << "[[line_item]]\nid = \"li\"\ncampaign = \"cmp\"\n"
        << "[line_item.bid]\nstrategy = \"" << c.strategy << "\"\ncpm = " << c.cpm << "\n" << c.bid_extra
        << "[[line_item.creative]]\nid = \"cr\"\nformat = \"banner\"\nw = 300\nh = 250\n"
        << "markup = \"<div>ad</div>\"\n"
        << c.creative_extra;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
    return path;
}

std::string mini_win_event(int n) {
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"win","event_id":"w%d","bid_id":"%016x","line_item":"li","price":1.0,"ts":%lld})", n,
                  0x100 + n, static_cast<long long>(now_ms));
    return buf;
}

}  // namespace bidline::test
