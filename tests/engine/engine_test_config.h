// Small campaign configurations and bid requests for the engine's unit
// tests, written as the TOML and JSON a user and an exchange would send, and
// `TestEngine`: one shard's bid path plus the control loop on a ManualClock,
// driven by direct calls (no threads, no sleeps).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/config.h"
#include "bidline/engine/bid_path.h"
#include "bidline/engine/clock.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/engine_state.h"

namespace bidline::test {

// Noon UTC on a day inside every test flight (2024-01-01 .. 2030-12-31).
inline Timestamp test_noon() {
    using namespace std::chrono;
    return time_point_cast<microseconds>(sys_days{year{2026} / March / 10} + hours{12});
}

struct CreativeSpec {
    std::string format = "banner";
    int w = 300, h = 250;
    std::string extra;  // more TOML lines for the creative (categories, adomain, slots, ...)
    std::string markup;  // empty: markup_for(format)
};
inline CreativeSpec banner(int w, int h, std::string extra = {}) { return {"banner", w, h, std::move(extra)}; }
inline CreativeSpec video(std::string extra = {}) { return {"video", 640, 480, std::move(extra)}; }
inline CreativeSpec native_ad() { return {"native", 0, 0, {}}; }

struct LineItemSpec {
    std::string id;
    std::string cpm = "1.0";
    std::string targeting;  // TOML lines of [line_item.targeting]
    std::vector<CreativeSpec> creatives{banner(300, 250)};
    std::string campaign = "cmp";
    std::string extra;      // TOML lines of [[line_item]] itself (daily_budget, ...)
    std::string bid_extra;  // more TOML lines of [line_item.bid]
};

// Markup that passes the format's checks (config/creative_check.h) and names the line item.
inline std::string markup_for(const std::string& format, const std::string& li) {
    if (format == "video" || format == "audio")
        return "<VAST version=\"4.0\"><Ad id=\"" + li + "\"><Wrapper><AdSystem>test</AdSystem><VASTAdTagURI>https://ads.example/" +
               li + ".xml</VASTAdTagURI></Wrapper></Ad></VAST>";
    if (format == "native")
        return "{\"assets\":[{\"id\":1,\"title\":{\"text\":\"" + li + "\"}}],\"link\":{\"url\":\"https://ads.example/" + li + "\"}}";
    return "<ad " + li + ">";
}

// Creative ids are derived from the line item's, so they stay unique.
inline std::string line_item_toml(const LineItemSpec& li) {
    std::string t = "[[line_item]]\nid = \"" + li.id + "\"\ncampaign = \"" + li.campaign + "\"\n" + li.extra + "\n";
    t += "[line_item.bid]\nstrategy = \"manual_cpm\"\ncpm = " + li.cpm + "\n" + li.bid_extra + "\n";
    t += "[line_item.targeting]\n" + li.targeting + "\n";
    for (std::size_t k = 0; k < li.creatives.size(); ++k) {
        const CreativeSpec& c = li.creatives[k];
        t += "[[line_item.creative]]\nid = \"cr-" + li.id + "-" + std::to_string(k) + "\"\nformat = \"" + c.format +
             "\"\n";
        if (c.w != 0) t += "w = " + std::to_string(c.w) + "\nh = " + std::to_string(c.h) + "\n";
        t += "markup = '''" + (c.markup.empty() ? markup_for(c.format, li.id) : c.markup) + "'''\n" + c.extra + "\n";
    }
    return t;
}

struct CampaignSpec {
    std::string id = "cmp";
    std::string daily_budget = "1000.0";
    std::string start = "2024-01-01";
    std::string end = "2030-12-31";
    // asap: leases alone cap spend, as the budget-safety tests expect; the
    // pacing tests pick even/traffic/front_loaded.
    std::string pacing = "asap";
    std::string extra;  // more TOML lines of [[campaign]] (timezone, paused, ...)
};

inline std::string campaign_toml(const CampaignSpec& c) {
    return "[[campaign]]\nid = \"" + c.id + "\"\nadvertiser = \"adv\"\ndaily_budget = " + c.daily_budget +
           "\nstart = " + c.start + "\nend = " + c.end + "\npacing = \"" + c.pacing + "\"\n" + c.extra + "\n\n";
}

// One shard, one advertiser (UTC), the given campaigns and line items.
inline Config make_config(const std::vector<LineItemSpec>& line_items,
                          const std::vector<CampaignSpec>& campaigns = {CampaignSpec{}}) {
    std::string t =
        "[engine]\nshards = 1\nlisten = \"127.0.0.1:8080\"\n\n"
        "[[advertiser]]\nid = \"adv\"\ntimezone = \"UTC\"\ndomains = [\"adv.example\"]\n\n";
    for (const auto& c : campaigns) t += campaign_toml(c);
    for (const auto& li : line_items) t += line_item_toml(li);
    return load_config_text(t, "<test>");
}

// A bid request with the given imps (JSON objects, comma-separated) and
// further top-level members (e.g. `"site":{...}`).
inline std::string request_json(std::string_view imps, std::string_view extra = {}) {
    std::string j = "{\"id\":\"req-1\",\"imp\":[";
    j += imps;
    j += "]";
    if (!extra.empty()) {
        j += ",";
        j += extra;
    }
    j += "}";
    return j;
}

inline constexpr std::string_view kBannerImp = R"({"id":"1","banner":{"w":300,"h":250}})";
inline constexpr std::string_view kSite = R"("site":{"domain":"news.example"})";

// The bid path of shard 0 and the control loop over one EngineState, on a
// ManualClock. Call control.tick() to grant leases and publish the live set.
struct TestEngine {
    explicit TestEngine(const Config& config, Timestamp now = test_noon())
        : clock(now), state(config, clock), control(state), shard(*state.shards.at(0)), bids(state, shard) {}

    BidAnswer bid(std::string_view json) { return bids.handle(json, clock.now()); }

    std::uint32_t index_of(std::string_view line_item_id) const {
        const CompiledLineItem* li = state.catalog.load()->find_line_item(line_item_id);
        EXPECT_NE(li, nullptr) << line_item_id;
        return li == nullptr ? 0 : li->index.value;
    }
    const LineItemLedger& ledger(std::string_view line_item_id) const { return control.ledger(index_of(line_item_id)); }
    std::uint64_t no_bids(NoBidReason r) const { return read(shard.counters.no_bid[static_cast<int>(r)]); }

    ManualClock clock;
    EngineState state;
    ControlLoop control;
    ShardResources& shard;
    BidPath bids;
};

}  // namespace bidline::test
