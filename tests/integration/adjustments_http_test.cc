// GET /v1/adjustments against the real binary: two Google Ads-managed
// campaigns whose platform reports (POST /v1/reports/google_ads, today's
// hours) show underspend and overspend against their plan get a bid
// increase and a bid decrease; `since` paging returns each adjustment once;
// bad parameters are a 400 naming the parameter; the managed line items
// never bid on /openrtb2/bid; sequence numbers keep increasing across a
// restart. Polls with deadlines, no fixed sleeps.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_process.h"
#include "support/http_client.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;

// "search" (Google Ads id 111) and "display" (222) are managed by Google
// Ads, $240 a day, even pacing, target CPA $20; "own" bids here itself.
// Managed line items take 300x250, the own one 728x90.
std::filesystem::path adjustments_config() {
    const auto path = std::filesystem::path(testing::TempDir()) / "adjustments.toml";
    std::string text = R"([engine]
shards = 1
control_tick_ms = 50

[[advertiser]]
id = "adv"
timezone = "UTC"

[[campaign]]
id = "own"
advertiser = "adv"
daily_budget = 100.0
start = 2024-01-01
end = 2030-12-31
pacing = "asap"

[[line_item]]
id = "own-li"
campaign = "own"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr-own"
format = "banner"
w = 728
h = 90
markup = "<div>ad</div>"
)";
    for (const auto& [id, platform_id] : {std::pair{"search", "111"}, std::pair{"display", "222"}}) {
        text +=
            std::string("\n[[campaign]]\nid = \"") + id +
            "\"\nadvertiser = \"adv\"\ndaily_budget = 240.0\nstart = 2024-01-01\nend = 2030-12-31\n"
            "pacing = \"even\"\nmanaged_by = \"google_ads\"\nplatform_ids = { google_ads = \"" +
            platform_id + "\" }\n\n[[line_item]]\nid = \"" + id + "-li\"\ncampaign = \"" + id +
            "\"\n[line_item.bid]\nstrategy = \"target_cpa\"\ntarget_cpa = 20.0\n[[line_item.creative]]\nid = \"cr-" +
            id + "\"\nformat = \"banner\"\nw = 300\nh = 250\nmarkup = \"<div>ad</div>\"\n";
    }
    std::ofstream(path) << text;
    return path;
}

// The engine's flags: recompute every 100 ms so the test sees steps quickly.
std::vector<std::string> serve_args() {
    return {"serve", "--config", adjustments_config().string(), "--adjustment-interval-ms", "100"};
}

// A Google Ads hourly report for today (UTC account) with one row per
// campaign id for the current hour: `spend` micros each.
std::string google_ads_today(const std::vector<std::pair<std::string, std::int64_t>>& spend) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto day = floor<days>(now);
    const year_month_day ymd{day};
    const auto hour = duration_cast<hours>(now - day).count();
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    std::string body = R"({"results":[)";
    for (std::size_t i = 0; i < spend.size(); ++i) {
        if (i > 0) body += ",";
        body += R"({"campaign":{"resourceName":"customers/1/campaigns/)" + spend[i].first + R"(","id":")" +
                spend[i].first + R"("},"metrics":{"costMicros":")" + std::to_string(spend[i].second) +
                R"(","impressions":"10","clicks":"1"},"segments":{"date":")" + date + R"(","hour":)" +
                std::to_string(hour) + "}}";
    }
    return body + "]}";
}

struct Seen {
    std::uint64_t seq = 0;
    std::string campaign, kind, field, reason;
    std::int64_t value_micros = 0;
    std::optional<std::int64_t> previous_micros;
};

struct Page {
    std::vector<Seen> adjustments;
    std::uint64_t next_since = 0;
};

Page get_page(HttpClient& c, const std::string& query) {
    const HttpResponse r = c.request("GET", "/v1/adjustments" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    Page p;
    p.next_since = std::uint64_t(doc["next_since"].get_uint64());
    for (simdjson::dom::element a : doc["adjustments"].get_array()) {
        Seen s;
        s.seq = a["seq"].get_uint64();
        s.campaign = std::string(std::string_view(a["campaign"].get_string()));
        s.kind = std::string(std::string_view(a["kind"].get_string()));
        s.field = std::string(std::string_view(a["field"].get_string()));
        s.reason = std::string(std::string_view(a["reason"].get_string()));
        s.value_micros = a["value_micros"].get_int64();
        const simdjson::dom::element previous = a["previous_value_micros"];
        if (!previous.is_null()) s.previous_micros = std::int64_t(previous.get_int64());
        EXPECT_EQ(std::string_view(a["platform"].get_string()), "google_ads");
        p.adjustments.push_back(std::move(s));
    }
    return p;
}

// Polls until an adjustment satisfying `pred` shows (5 s deadline).
template <class Pred>
std::optional<Seen> await_adjustment(EngineProcess& engine, Pred pred) {
    HttpClient c(engine.host(), engine.port());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        for (const Seen& s : get_page(c, "?since=0&limit=10000").adjustments)
            if (pred(s)) return s;
        std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
}

auto bid_of(std::string_view campaign) {
    return [campaign](const Seen& s) { return s.campaign == campaign && s.kind == "bid" && s.reason == "initial"; };
}

TEST(AdjustmentsHttp, UnderspendRaisesAndOverspendLowersTheTargetCpa) {
    EngineProcess engine(serve_args());
    // Before any report: the configured values, once.
    const auto initial = await_adjustment(engine, bid_of("search"));
    ASSERT_TRUE(initial) << engine.describe();
    EXPECT_EQ(initial->field, "target_cpa");
    EXPECT_EQ(initial->value_micros, 20'000'000);
    EXPECT_FALSE(initial->previous_micros.has_value());
    ASSERT_TRUE(
        await_adjustment(engine, [](const Seen& s) { return s.campaign == "display" && s.field == "daily_budget"; }));

    // search spent nothing yet today (under plan); display spent $500 of $240 in this hour.
    HttpClient c(engine.host(), engine.port());
    const HttpResponse posted =
        c.request("POST", "/v1/reports/google_ads", google_ads_today({{"111", 0}, {"222", 500'000'000}}));
    ASSERT_EQ(posted.status, 200) << posted.body;

    const auto up =
        await_adjustment(engine, [](const Seen& s) { return s.campaign == "search" && s.reason == "controller"; });
    ASSERT_TRUE(up) << engine.describe();
    EXPECT_EQ(up->value_micros, 21'000'000) << "one step up: x1.05";
    EXPECT_EQ(up->previous_micros, 20'000'000);
    const auto down =
        await_adjustment(engine, [](const Seen& s) { return s.campaign == "display" && s.reason == "controller"; });
    ASSERT_TRUE(down) << engine.describe();
    EXPECT_EQ(down->value_micros, 19'047'619) << "one step down: /1.05";
    EXPECT_EQ(down->previous_micros, 20'000'000);
}

TEST(AdjustmentsHttp, SincePagingReturnsEachAdjustmentOnce) {
    EngineProcess engine(serve_args());
    HttpClient c(engine.host(), engine.port());
    ASSERT_TRUE(await_adjustment(engine, bid_of("display")));
    ASSERT_EQ(c.request("POST", "/v1/reports/google_ads", google_ads_today({{"111", 0}, {"222", 0}})).status, 200);
    // Page one at a time while the controller keeps stepping the bids up.
    std::vector<Seen> paged;
    std::uint64_t since = 0;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (paged.size() < 8 && std::chrono::steady_clock::now() < deadline) {
        const Page p = get_page(c, "?since=" + std::to_string(since) + "&limit=1&platform=google_ads");
        ASSERT_LE(p.adjustments.size(), 1u);
        if (p.adjustments.empty()) {
            EXPECT_EQ(p.next_since, since) << "nothing new: since comes back";
            std::this_thread::sleep_for(20ms);
            continue;
        }
        EXPECT_GT(p.adjustments[0].seq, since) << "since is exclusive";
        EXPECT_EQ(p.next_since, p.adjustments[0].seq);
        paged.push_back(p.adjustments[0]);
        since = p.next_since;
    }
    ASSERT_GE(paged.size(), 8u);
    // The same adjustments, in the same order, as one read of everything.
    const Page all = get_page(c, "?limit=10000");
    ASSERT_GE(all.adjustments.size(), paged.size());
    for (std::size_t i = 0; i < paged.size(); ++i) {
        EXPECT_EQ(paged[i].seq, all.adjustments[i].seq) << i;
        EXPECT_EQ(paged[i].value_micros, all.adjustments[i].value_micros) << i;
    }
    EXPECT_TRUE(get_page(c, "?since=0&platform=meta").adjustments.empty());
}

TEST(AdjustmentsHttp, BadParametersAreA400NamingTheParameter) {
    EngineProcess engine(serve_args());
    HttpClient c(engine.host(), engine.port());
    for (const auto& [query, prefix] :
         {std::pair{"?since=abc", "since:"}, std::pair{"?since=-1", "since:"}, std::pair{"?limit=0", "limit:"},
          std::pair{"?limit=10001", "limit:"}, std::pair{"?platform=google", "platform:"}}) {
        const HttpResponse r = c.request("GET", std::string("/v1/adjustments") + query);
        EXPECT_EQ(r.status, 400) << query;
        simdjson::dom::parser parser;
        const std::string_view message = parser.parse(r.body)["message"].get_string();
        EXPECT_EQ(message.rfind(prefix, 0), 0u) << query << ": " << message;
    }
    EXPECT_EQ(c.request("POST", "/v1/adjustments", "{}").status, 405);
}

TEST(AdjustmentsHttp, ManagedLineItemsNeverBid) {
    EngineProcess engine(serve_args());
    ASSERT_TRUE(await_adjustment(engine, bid_of("search")));  // the control loop has ticked
    HttpClient c(engine.host(), engine.port());
    const HeaderList json{{"Content-Type", "application/json"}};
    const auto request = [](int w, int h) {
        return R"({"id":"r","imp":[{"id":"1","banner":{"w":)" + std::to_string(w) + R"(,"h":)" + std::to_string(h) +
               R"(}}],"site":{"domain":"news.example"}})";
    };
    for (int i = 0; i < 20; ++i) {
        const HttpResponse managed = c.post_bid(request(300, 250), json);
        EXPECT_EQ(managed.status, 204) << managed.body;
    }
    const HttpResponse own = c.post_bid(request(728, 90), json);
    EXPECT_EQ(own.status, 200) << own.body << engine.describe();
    EXPECT_EQ(own.body.find("search-li"), std::string::npos);
}

TEST(AdjustmentsHttp, SequenceNumbersKeepIncreasingAcrossARestart) {
    std::uint64_t last_before = 0;
    {
        EngineProcess engine(serve_args());
        ASSERT_TRUE(await_adjustment(engine, bid_of("display")));
        HttpClient c(engine.host(), engine.port());
        for (const Seen& s : get_page(c, "?limit=10000").adjustments) last_before = std::max(last_before, s.seq);
        ASSERT_GT(last_before, 0u);
        const auto exit = engine.stop();
        ASSERT_TRUE(exit && exit->clean()) << engine.describe();
    }
    EngineProcess engine(serve_args());
    ASSERT_TRUE(await_adjustment(engine, bid_of("display")));
    HttpClient c(engine.host(), engine.port());
    // The current values again, numbered after everything a connector saw before.
    const Page after = get_page(c, "?since=" + std::to_string(last_before));
    ASSERT_EQ(after.adjustments.size(), 4u);  // budget and bid of both campaigns
    for (const Seen& s : after.adjustments) EXPECT_GT(s.seq, last_before);
    EXPECT_EQ(get_page(c, "?since=0").adjustments.size(), 4u);
}

// The same engine restarted on its data dir after kill -9: connectors read
// the same history (same sequence numbers), nothing is re-sent as
// "initial", and the next move continues from the value last sent.
TEST(AdjustmentsHttp, AKilledEngineRestartedOnItsDataDirKeepsTheLogAndResendsNothing) {
    ScratchDir data("adjustments-data");
    std::vector<std::string> args = serve_args();
    args.insert(args.end(), {"--data-dir", data.path().string()});
    std::vector<Seen> before;
    {
        EngineProcess engine(args);
        HttpClient c(engine.host(), engine.port());
        ASSERT_EQ(c.request("POST", "/v1/reports/google_ads", google_ads_today({{"111", 0}})).status, 200);
        // Far under plan: the PID asks for exp(0.3) at once, reached in six x1.05
        // steps (26.80); its integral then needs ~10 s before the next 5 % move.
        ASSERT_TRUE(await_adjustment(engine, [](const Seen& s) {
            return s.campaign == "search" && s.kind == "bid" && s.value_micros >= 26'000'000;
        })) << engine.describe();
        ASSERT_TRUE(await_adjustment(engine, bid_of("display")));
        before = get_page(c, "?since=0&limit=10000").adjustments;
        engine.send_signal(SIGKILL);
        ASSERT_TRUE(engine.wait_exit(30s));
    }
    std::uint64_t last_before = 0;
    std::int64_t search_bid = 0;
    for (const Seen& s : before) {
        last_before = std::max(last_before, s.seq);
        if (s.campaign == "search" && s.kind == "bid") search_bid = s.value_micros;
    }
    ASSERT_GE(search_bid, 26'000'000);

    EngineProcess engine(args);
    HttpClient c(engine.host(), engine.port());
    const Page restored = get_page(c, "?since=0&limit=10000");
    ASSERT_EQ(restored.adjustments.size(), before.size()) << "the history a new connector reads survived";
    for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(restored.adjustments[i].seq, before[i].seq);
        EXPECT_EQ(restored.adjustments[i].value_micros, before[i].value_micros);
    }
    // A revised report: search overspent after all. It steps down from the 1.34x it held, not from 20.00.
    ASSERT_EQ(
        c.request("POST", "/v1/reports/google_ads?revision=2", google_ads_today({{"111", 500'000'000}})).status, 200);
    const auto next = await_adjustment(
        engine, [&](const Seen& s) { return s.seq > last_before && s.campaign == "search" && s.kind == "bid"; });
    ASSERT_TRUE(next) << engine.describe();
    EXPECT_EQ(next->reason, "controller");
    EXPECT_EQ(next->previous_micros, search_bid);
    EXPECT_LT(next->value_micros, search_bid);
    EXPECT_GT(next->value_micros, 21'000'000) << "a step down from the value last sent (from 20.00 it would be 19.05)";
    for (const Seen& s : get_page(c, "?since=" + std::to_string(last_before) + "&limit=10000").adjustments)
        EXPECT_NE(s.reason, "initial") << s.campaign << " " << s.field << " was sent again after the restart";
}

}  // namespace
}  // namespace bidline::test
