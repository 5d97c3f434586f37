// The bid path makes no heap allocation per request in steady state. This
// executable replaces the global operator new/delete with counting versions
// (its own binary, so no other test is affected) and counts allocations on
// this thread while requests go through HTTP framing, the router and the
// bid path, bids and no-bids alike.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <optional>
#include <string>

#include "bidline/config/stable_hash.h"
#include "bidline/engine/api_keys.h"
#include "bidline/engine/control_loop.h"
#include "bidline/engine/creative_selection.h"
#include "bidline/engine/online_learning.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/router.h"
#include "bidline/engine/synthetic_catalog.h"
#include "bidline/feeds/event_log_group_commit.h"

namespace {
thread_local bool counting = false;
thread_local std::uint64_t allocations = 0;

void* counted_malloc(std::size_t n) noexcept {
    if (counting) ++allocations;
    return std::malloc(n ? n : 1);
}
void* counted_aligned_alloc(std::size_t n, std::align_val_t align) noexcept {
    if (counting) ++allocations;
    const auto a = static_cast<std::size_t>(align);
    return std::aligned_alloc(a, (n + a - 1) & ~(a - 1));
}
}  // namespace

// Every replaceable form, the nothrow ones too (simdjson allocates with
// new (std::nothrow)): a form left to the runtime would go uncounted, and under
// ASan its memory would come back through our free().
// GCC 12, inlining these into a caller, pairs an inlined `new` with this
// free() and warns of a mismatch (-Wmismatched-new-delete); every new here is
// malloc underneath, so the pairing is right.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
    if (void* p = counted_malloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned_alloc(n, a)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_aligned_alloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace bidline {
namespace {

std::string http_post(const std::string& body, const std::string& api_key = {}) {
    return "POST /openrtb2/bid HTTP/1.1\r\nHost: bidder\r\nContent-Type: application/json\r\nx-openrtb-version: 2.6\r\n" +
           (api_key.empty() ? std::string() : "Authorization: Bearer " + api_key + "\r\n") +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Outcome {
    std::uint64_t allocations = 0, bids = 0, no_bids = 0;
    std::uint64_t online_scored = 0;  // candidates the online model scored while counting
    std::uint64_t experiment_users = 0;  // users the bid path reported in experiments (ring drained after counting)
};

// Routes every framed request of `buffers` (copies of the wire, made before
// counting: parse_http_request may write into them) `rounds` times, counting
// bids and no-bids into `out`; any other status fails the test. With
// `drain`, the shard's event ring is emptied after each round, as the
// control thread would, for runs longer than the ring holds.
void route_rounds(Router& router, const Clock& clock, std::vector<std::string>& buffers, int rounds, Outcome& out,
                  ShardResources* drain = nullptr) {
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t k = 0; k < buffers.size(); ++k) {
            HttpRequest req;
            if (parse_http_request(buffers[k].data(), buffers[k].size(), HttpLimits{}, req) != HttpParseStatus::complete)
                ADD_FAILURE() << "framing";
            const RouteResponse resp = router.route(req, req.body, clock.now());
            if (resp.status == 200) ++out.bids; else if (resp.status == 204) ++out.no_bids; else ADD_FAILURE() << resp.status << " " << k;
        }
        if (drain != nullptr)
            for (ShardEvent e; drain->events.try_pop(e);) {}
    }
}

// An online model that has learned every line item, and creative bandits,
// as the control loop publishes them once wins and clicks have come in.
void publish_learned(EngineState& state) {
    OnlineLearningSettings settings;
    settings.hash_bits = 12;
    settings.min_impressions = 1;
    OnlineLearning online(settings, {});
    const auto catalog = state.catalog.load();
    std::uint64_t key = 1;
    for (const CompiledLineItem& li : catalog->line_items()) {
        BidFeatures f;
        f.bid_key = key;
        f.row.fill(0.0f);
        models::FeatureContext ctx;
        ctx.line_item_id = fnv1a(li.model.id.value);
        models::FeatureBuilder::build_candidate_slots(ctx, std::span<float, models::kFeatureCount>(f.row));
        online.note_features(f);
        online.note_win(key, 0);
        online.note_click(key++, 0);
    }
    online.tick(std::int64_t{1} << 50);
    CreativeSelection creatives;
    creatives.sync(*catalog);
    creatives.tick(0);
    auto cs = std::make_shared<ControlState>(*state.control.load());
    cs->online = online.published();
    cs->creatives = creatives.published();
    state.control.publish(std::move(cs));
}

// Serves requests through the router; with `log_requests`, every one of
// them is also written to a real event log with its decision. `learned`:
// every line item bids max_clicks from the online model and has two
// creatives to sample between. `holdout`: every campaign holds half its
// users out (an experiment each) and the requests come from 64 users.
// `with_keys`: API keys are configured and every request carries a valid
// bid-scoped key (the check runs before the bid path).
Outcome serve_counted(bool log_requests, bool learned = false, bool holdout = false, bool with_keys = false) {
    ManualClock clock(Timestamp{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()});
    Config config;
    config.engine.shards = 1;
    config.engine.request_log.mode = log_requests ? RequestLogMode::full : RequestLogMode::off;
    config.campaigns = synthetic_campaign_model(1000);
    if (learned)
        for (LineItem& li : config.campaigns.line_items) {
            li.bid.strategy = BidStrategy::max_clicks;
            li.bid.cpc = Micros::from_units(0.5);
            Creative second = li.creatives.front();
            second.id = CreativeId{second.id.value + "-b"};
            li.creatives.push_back(std::move(second));
        }
    if (holdout)
        for (Campaign& c : config.campaigns.campaigns) c.experiment = CampaignExperiment{c.id.value, 0.5};
    EngineState state(config, clock);
    std::string api_key;
    if (with_keys) {
        std::vector<ApiKey> keys;
        for (const char* name : {"exchange-a", "exchange-b", "reports"}) {
            MintedKey m = mint_api_key(name, parse_scopes(std::string(name) == "reports" ? "events" : "bid"));
            if (api_key.empty()) api_key = m.key;
            keys.push_back(m.entry);
        }
        state.api_keys = std::make_shared<const ApiKeyTable>(std::move(keys));
    }
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("bidline-noalloc-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::optional<feeds::GroupCommitLog> log;
    if (log_requests) {
        feeds::GroupCommitOptions o;
        o.log.directory = dir;
        o.producers = 2;
        o.ring_bytes = std::size_t{1} << 24;  // room for every request: none skipped
        log.emplace(o);
        state.event_log = &*log;
    }
    ControlLoop control(state);
    control.tick();
    if (learned) publish_learned(state);
    Router router(state, *state.shards[0]);

    // Requests that bid, and ones that do not (another country), each with its own id.
    std::vector<std::string> wire;
    for (int i = 0; i < 64; ++i) {
        std::string body = synthetic_bid_request(static_cast<std::uint64_t>(i));
        if (i % 4 == 3) body.replace(body.find("\"USA\""), 5, "\"ZZZ\"");
        if (holdout) body.replace(body.find("u-5c1d2e"), 8, "u-5c1d" + std::to_string(10 + i));
        wire.push_back(http_post(body, api_key));
    }
    std::vector<std::string> buffers = wire;  // parse_http_request may write (de-chunking)

    Outcome warm_up;
    route_rounds(router, clock, buffers, 20, warm_up);  // first-use allocations (parser buffers, scratch) happen here
    if (!learned) control.tick();  // (a tick would publish its own, unlearned, state)
    router.refresh();  // snapshot pick-up happens between requests, outside the count

    Outcome out;
    const std::uint64_t online_before = read(state.shards[0]->models.online_rows);
    allocations = 0;
    counting = true;
    route_rounds(router, clock, buffers, 100, out);
    counting = false;
    out.allocations = allocations;
    out.online_scored = read(state.shards[0]->models.online_rows) - online_before;
    for (ShardEvent e; state.shards[0]->events.try_pop(e);) out.experiment_users += e.kind == ShardEventKind::experiment_user;
    if (log) {
        log->stop();
        EXPECT_EQ(read(state.shards[0]->counters.request_log_written), 120u * wire.size());
        EXPECT_EQ(read(state.shards[0]->counters.request_log_skipped), 0u);
    }
    std::filesystem::remove_all(dir);
    return out;
}

TEST(NoAllocation, BidPathThroughRouterAllocatesNothingPerRequest) {
    const Outcome o = serve_counted(false);
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " requests";
    EXPECT_GT(o.bids, 0u);
    EXPECT_GT(o.no_bids, 0u);
}

TEST(NoAllocation, OnlineModelAndCreativeSamplingAllocateNothing) {
    const Outcome o = serve_counted(false, true);
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " requests";
    EXPECT_GT(o.online_scored, o.bids);  // every bid was priced from the online model
    EXPECT_GT(o.bids, 0u);
    EXPECT_GT(o.no_bids, 0u);
}

TEST(NoAllocation, HoldoutExperimentsAllocateNothing) {
    const Outcome o = serve_counted(false, false, true);
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " requests";
    EXPECT_GT(o.experiment_users, 0u);  // the experiment path ran
    EXPECT_GT(o.bids, 0u);
    EXPECT_GT(o.no_bids, 0u);
}

TEST(NoAllocation, CheckingApiKeysAllocatesNothing) {
    const Outcome o = serve_counted(false, false, false, true);
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " requests with API keys";
    EXPECT_GT(o.bids, 0u);  // the key was accepted: refusals would be 401s and fail the count
    EXPECT_GT(o.no_bids, 0u);
}

TEST(NoAllocation, LoggingEveryRequestWithItsDecisionAllocatesNothing) {
    const Outcome o = serve_counted(true);
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " logged requests";
    EXPECT_GT(o.bids, 0u);
    EXPECT_GT(o.no_bids, 0u);
}

// A template line item (three slots, two variants each, slot bandits
// published) and a native one, served banner imps, native imps the
// creative answers, ones it cannot answer and unreadable native requests.
Outcome serve_templates_and_native_counted() {
    ManualClock clock(Timestamp{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()});
    const std::string toml = R"([engine]
shards = 1
[[advertiser]]
id = "adv"
domains = ["acme.example"]
[[campaign]]
id = "cmp"
advertiser = "adv"
daily_budget = 100000.0
start = 2024-01-01
end = 2035-12-31
pacing = "asap"
[[line_item]]
id = "li-tpl"
campaign = "cmp"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr-tpl"
format = "banner"
w = 300
h = 250
markup = '<a href="{{landing}}"><img src="{{image}}"><b>{{headline}}</b></a><img src="https://t.example/p=${AUCTION_PRICE}">'
[line_item.creative.slots]
headline = ["Spring <sale> & more", "50% off ${AUCTION_PRICE}"]
image = ["https://cdn.acme.example/a.png", "https://cdn.acme.example/b.png"]
landing = ["https://acme.example/?a=1&b=2", "https://acme.example/spring"]
[[line_item]]
id = "li-native"
campaign = "cmp"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr-native"
format = "native"
markup = '{"native":{"assets":[{"id":1,"title":{"text":"Hello"}},{"img":{"url":"https://i.example/a.jpg","w":1200,"h":627}}],"link":{"url":"https://acme.example"}}}'
)";
    Config config = load_config_text(toml, "<alloc>");
    EngineState state(config, clock);
    ControlLoop control(state);
    control.tick();
    {
        CreativeSelection creatives;
        creatives.sync(*state.catalog.load());
        for (std::uint8_t v = 0; v < 2; ++v)
            creatives.record_click(0, 0, 0, VariantChoice{v, v, v, kNoVariant});
        creatives.tick(0);
        auto cs = std::make_shared<ControlState>(*state.control.load());
        cs->creatives = creatives.published();
        state.control.publish(std::move(cs));
    }
    Router router(state, *state.shards[0]);
    auto native_imp = [](std::string_view escaped_request) {
        return std::string(R"({"id":"r","imp":[{"id":"1","native":{"request":")") + std::string(escaped_request) +
               R"("}}],"site":{"domain":"news.example"}})";
    };
    std::vector<std::string> wire = {
        http_post(R"({"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"news.example"}})"),
        http_post(native_imp(R"({\"native\":{\"assets\":[{\"id\":5,\"required\":1,\"title\":{\"len\":25}},{\"id\":6,\"img\":{\"type\":3,\"wmin\":600,\"hmin\":300}}]}})")),
        http_post(native_imp(R"({\"assets\":[{\"id\":5,\"required\":1,\"data\":{\"type\":1}}]})")),
        http_post(native_imp(R"({\"assets\":[{\"id\":5,)")),
    };
    std::vector<std::string> buffers = wire;
    Outcome warm_up;
    route_rounds(router, clock, buffers, 20, warm_up, state.shards[0].get());
    router.refresh();
    Outcome out;
    allocations = 0;
    counting = true;
    route_rounds(router, clock, buffers, 100, out, state.shards[0].get());
    counting = false;
    out.allocations = allocations;
    EXPECT_EQ(read(state.shards[0]->counters.bad_native_requests), 120u);
    EXPECT_EQ(read(state.shards[0]->counters.no_bid[static_cast<int>(NoBidReason::native_assets)]), 240u);
    return out;
}

TEST(NoAllocation, NativeAssetMatchingAndTemplateRenderingAllocateNothing) {
    const Outcome o = serve_templates_and_native_counted();
    EXPECT_EQ(o.allocations, 0u) << "heap allocations in " << o.bids + o.no_bids << " requests";
    EXPECT_EQ(o.bids, 200u);     // the banner template and the answered native imp
    EXPECT_EQ(o.no_bids, 200u);  // the unanswerable and the unreadable native imps
}

}  // namespace
}  // namespace bidline
