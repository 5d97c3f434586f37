// A complete configuration file loads into exactly the values it states,
// defaults fill what it leaves out, and money converts to exact micros.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_text;
using namespace std::chrono_literals;

constexpr std::string_view kFullExample = R"toml(
[engine]
listen = "0.0.0.0:9090"
shards = 2
data_dir = "/var/lib/bidline"
control_tick_ms = 100
notice_base_url = "https://bid.example.com/"

[engine.limits]
max_header_bytes = 4096
max_body_bytes = 32768
max_connections_per_shard = 100
idle_timeout_ms = 1000
header_timeout_ms = 2000
body_timeout_ms = 3000

[[advertiser]]
id = "adv-acme"
name = "Acme"
currency = "EUR"
timezone = "Europe/Berlin"
domains = ["Acme.COM", "acme.de"]

[[campaign]]
id = "cmp-spring"
advertiser = "adv-acme"
name = "Spring"
daily_budget = 123.456789
lifetime_budget_micros = 5000000000
start = 2026-03-01
end = "2026-05-31"
pacing = "front_loaded"
timezone = "Europe/Paris"

[[campaign]]
id = "cmp-summer"
advertiser = "adv-acme"
daily_budget = 0
start = 2026-06-01
end = 2026-06-01

[[line_item]]
id = "li-video"
campaign = "cmp-spring"
name = "Video CPC"
daily_budget = 50
lifetime_budget = 0.000001
[line_item.bid]
strategy = "manual_cpc"
cpc = 0.35
max_cpm = 12.5
[line_item.targeting]
media = ["video", "banner"]
sizes = ["640x480", "300x250"]
countries = ["DEU", "AUT"]
regions = ["BY", "DE-BE"]
device_types = [2, 3]
os = ["iOS", "Android"]
domains_allow = ["News.example"]
domains_block = ["bad.example"]
bundles_allow = ["com.example.App"]
bundles_block = ["com.bad"]
deals = ["deal-1"]
[[line_item.creative]]
id = "cr-video"
format = "video"
w = 640
h = 480
markup = '<VAST version="4.0"><Ad><Wrapper><AdSystem>acme</AdSystem><VASTAdTagURI>https://ads.acme.com/vast.xml</VASTAdTagURI></Wrapper></Ad></VAST>'
[[line_item.creative]]
id = "cr-mrec"
format = "banner"
w = 300
h = 250
adomain = ["shop.acme.com"]
categories = ["IAB3", "IAB3-1"]
mime = "text/html"
markup = '<img src="https://cdn.acme.com/a.png">'

[[line_item]]
id = "li-roas"
campaign = "cmp-summer"
daily_budget_micros = 1
[line_item.bid]
strategy = "target_roas"
target_roas = 3.5
[[line_item.creative]]
id = "cr-native"
format = "native"
markup = '{"native":{"assets":[],"link":{"url":"https://acme.com"}}}'
)toml";

TEST(LoadConfig, FullExampleReadsEveryValue) {
    const Config c = load_text(kFullExample);

    EXPECT_EQ(c.engine.listen_host, "0.0.0.0");
    EXPECT_EQ(c.engine.listen_port, 9090);
    EXPECT_EQ(c.engine.shards, 2u);
    EXPECT_EQ(c.engine.data_dir, "/var/lib/bidline");
    EXPECT_EQ(c.engine.control_tick, 100ms);
    EXPECT_EQ(c.engine.notice_base_url, "https://bid.example.com");  // trailing '/' dropped
    EXPECT_EQ(c.engine.limits.max_header_bytes, 4096u);
    EXPECT_EQ(c.engine.limits.max_body_bytes, 32768u);
    EXPECT_EQ(c.engine.limits.max_connections_per_shard, 100u);
    EXPECT_EQ(c.engine.limits.idle_timeout, 1000ms);
    EXPECT_EQ(c.engine.limits.header_timeout, 2000ms);
    EXPECT_EQ(c.engine.limits.body_timeout, 3000ms);

    ASSERT_EQ(c.campaigns.advertisers.size(), 1u);
    const Advertiser& adv = c.campaigns.advertisers[0];
    EXPECT_EQ(adv.id.value, "adv-acme");
    EXPECT_EQ(adv.name, "Acme");
    EXPECT_EQ(adv.currency, "EUR");
    EXPECT_EQ(adv.timezone, "Europe/Berlin");
    EXPECT_EQ(adv.domains, (std::vector<std::string>{"acme.com", "acme.de"}));

    ASSERT_EQ(c.campaigns.campaigns.size(), 2u);
    const Campaign& spring = c.campaigns.campaigns[0];
    EXPECT_EQ(spring.id.value, "cmp-spring");
    EXPECT_EQ(spring.advertiser.value, "adv-acme");
    EXPECT_EQ(spring.name, "Spring");
    EXPECT_EQ(spring.daily_budget, Micros(123'456'789));
    EXPECT_EQ(spring.lifetime_budget, Micros(5'000'000'000));
    EXPECT_EQ(spring.start, Date(std::chrono::year{2026}, std::chrono::March, std::chrono::day{1}));
    EXPECT_EQ(spring.end, Date(std::chrono::year{2026}, std::chrono::May, std::chrono::day{31}));
    EXPECT_EQ(spring.pacing, PacingMode::front_loaded);
    EXPECT_EQ(spring.timezone, "Europe/Paris");
    const Campaign& summer = c.campaigns.campaigns[1];
    EXPECT_EQ(summer.name, "cmp-summer");  // name defaults to the id
    EXPECT_EQ(summer.daily_budget, Micros(0));
    EXPECT_EQ(summer.lifetime_budget, Micros(0));
    EXPECT_EQ(summer.start, summer.end);  // a one-day flight is fine
    EXPECT_EQ(summer.pacing, PacingMode::even);
    EXPECT_EQ(summer.timezone, "Europe/Berlin");  // inherited from the advertiser

    ASSERT_EQ(c.campaigns.line_items.size(), 2u);
    const LineItem& video = c.campaigns.line_items[0];
    EXPECT_EQ(video.id.value, "li-video");
    EXPECT_EQ(video.campaign.value, "cmp-spring");
    EXPECT_EQ(video.name, "Video CPC");
    EXPECT_EQ(video.daily_budget, Micros(50'000'000));
    EXPECT_EQ(video.lifetime_budget, Micros(1));
    EXPECT_EQ(video.bid.strategy, BidStrategy::manual_cpc);
    EXPECT_EQ(video.bid.cpc, Micros(350'000));
    EXPECT_EQ(video.bid.max_cpm, Micros(12'500'000));
    EXPECT_EQ(video.bid.cpm, Micros(0));
    const Targeting& t = video.targeting;
    EXPECT_EQ(t.media, (std::vector<MediaType>{MediaType::video, MediaType::banner}));
    EXPECT_EQ(t.sizes, (std::vector<Size>{{640, 480}, {300, 250}}));
    EXPECT_EQ(t.countries, (std::vector<std::string>{"DEU", "AUT"}));
    EXPECT_EQ(t.regions, (std::vector<std::string>{"BY", "DE-BE"}));
    EXPECT_EQ(t.device_types, (std::vector<DeviceType>{2, 3}));
    EXPECT_EQ(t.os, (std::vector<std::string>{"ios", "android"}));  // lower-cased
    EXPECT_EQ(t.domains_allow, (std::vector<std::string>{"news.example"}));
    EXPECT_EQ(t.domains_block, (std::vector<std::string>{"bad.example"}));
    EXPECT_EQ(t.bundles_allow, (std::vector<std::string>{"com.example.App"}));  // bundles keep their case
    EXPECT_EQ(t.bundles_block, (std::vector<std::string>{"com.bad"}));
    EXPECT_EQ(t.deals, (std::vector<std::string>{"deal-1"}));

    ASSERT_EQ(video.creatives.size(), 2u);
    const Creative& vast = video.creatives[0];
    EXPECT_EQ(vast.id.value, "cr-video");
    EXPECT_EQ(vast.format, MediaType::video);
    EXPECT_EQ(vast.size, (Size{640, 480}));
    EXPECT_EQ(vast.mime, "video/mp4");     // the default for video
    EXPECT_EQ(vast.adomain, adv.domains);  // the default: the advertiser's domains
    EXPECT_EQ(vast.markup, R"(<VAST version="4.0"><Ad><Wrapper><AdSystem>acme</AdSystem><VASTAdTagURI>https://ads.acme.com/vast.xml</VASTAdTagURI></Wrapper></Ad></VAST>)");
    const Creative& mrec = video.creatives[1];
    EXPECT_EQ(mrec.format, MediaType::banner);
    EXPECT_EQ(mrec.size, (Size{300, 250}));
    EXPECT_EQ(mrec.adomain, (std::vector<std::string>{"shop.acme.com"}));
    EXPECT_EQ(mrec.categories, (std::vector<std::string>{"IAB3", "IAB3-1"}));
    EXPECT_EQ(mrec.mime, "text/html");
    EXPECT_EQ(mrec.markup, "<img src=\"https://cdn.acme.com/a.png\">");

    const LineItem& roas = c.campaigns.line_items[1];
    EXPECT_EQ(roas.daily_budget, Micros(1));
    EXPECT_EQ(roas.bid.strategy, BidStrategy::target_roas);
    EXPECT_DOUBLE_EQ(roas.bid.target_roas, 3.5);
    EXPECT_TRUE(roas.targeting.media.empty());
    ASSERT_EQ(roas.creatives.size(), 1u);
    EXPECT_EQ(roas.creatives[0].size, (Size{0, 0}));  // any size for native
    EXPECT_EQ(roas.creatives[0].mime, "application/json");
}

TEST(LoadConfig, FileAndTextLoadTheSame) {
    const Config from_file = load_text(kFullExample);
    const Config from_text = load_config_text(kFullExample, "inline.toml");
    EXPECT_EQ(from_file.campaigns.line_items[0].creatives[1].markup,
              from_text.campaigns.line_items[0].creatives[1].markup);
    EXPECT_EQ(from_file.campaigns.campaigns[0].daily_budget, from_text.campaigns.campaigns[0].daily_budget);
}

TEST(LoadConfig, EmptyFileGivesEngineDefaultsAndNoCampaigns) {
    const Config c = load_text("");
    const EngineSettings defaults;
    EXPECT_EQ(c.engine.listen_host, defaults.listen_host);
    EXPECT_EQ(c.engine.listen_port, defaults.listen_port);
    EXPECT_EQ(c.engine.shards, 0u);
    EXPECT_EQ(c.engine.data_dir, "data");
    EXPECT_EQ(c.engine.control_tick, 250ms);
    EXPECT_EQ(c.engine.limits.max_body_bytes, defaults.limits.max_body_bytes);
    EXPECT_TRUE(c.campaigns.advertisers.empty());
    EXPECT_TRUE(c.campaigns.line_items.empty());
}

TEST(LoadConfig, AdvertiserDefaultsToUsdAndUtc) {
    const Config c = load_text("[[advertiser]]\nid = \"adv-x\"\n");
    EXPECT_EQ(c.campaigns.advertisers[0].name, "adv-x");
    EXPECT_EQ(c.campaigns.advertisers[0].currency, "USD");
    EXPECT_EQ(c.campaigns.advertisers[0].timezone, "UTC");
}

TEST(LoadConfig, ListenAcceptsBracketedIpv6AndPortZero) {
    const Config c = load_text("[engine]\nlisten = \"[::1]:0\"\n");
    EXPECT_EQ(c.engine.listen_host, "::1");
    EXPECT_EQ(c.engine.listen_port, 0);
}

// Budgets are written in currency units but must land on exact micros, not
// on the nearest double below.
TEST(LoadConfig, MoneyConvertsToExactMicros) {
    struct Case {
        std::string_view toml;
        std::int64_t micros;
    };
    const Case cases[] = {
        {"daily_budget = 123.456789", 123'456'789},
        {"daily_budget = 0.1", 100'000},
        {"daily_budget = 0.29", 290'000},
        {"daily_budget = 1e3", 1'000'000'000},
        {"daily_budget = 500", 500'000'000},
        {"daily_budget = 19.99", 19'990'000},
        {"daily_budget = 1234567.000001", 1'234'567'000'001},
        {"daily_budget_micros = 7", 7},
    };
    for (const Case& c : cases) {
        const std::string text = "[[advertiser]]\nid = \"a\"\n[[campaign]]\nid = \"c\"\nadvertiser = \"a\"\n" +
                                 std::string(c.toml) + "\nstart = 2026-01-01\nend = 2026-01-02\n";
        EXPECT_EQ(load_text(text).campaigns.campaigns[0].daily_budget, Micros(c.micros)) << c.toml;
    }
}

TEST(LoadConfig, MissingFileIsAnErrorWithoutALine) {
    const auto path = std::filesystem::path(testing::TempDir()) / "bidline_no_such_config.toml";
    try {
        load_config_file(path);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), path.string());
        EXPECT_EQ(e.line(), 0);
        EXPECT_EQ(e.reason(), "cannot open: No such file or directory");
    }
}

TEST(LoadConfig, DirectoryIsNotAConfigFile) {
    const ConfigError e = [] {
        try {
            load_config_file(testing::TempDir());
        } catch (const ConfigError& e) {
            return e;
        }
        return ConfigError("", -1, "", "loaded");
    }();
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(e.reason(), "is a directory, not a file");
}

TEST(ConfigError, WhatReadsFileLineFieldReason) {
    const ConfigError e("bidline.toml", 12, "line_item.bid.cpm", "manual_cpm needs cpm > 0");
    EXPECT_STREQ(e.what(), "bidline.toml:12: line_item.bid.cpm: manual_cpm needs cpm > 0");
}

}  // namespace
}  // namespace bidline
