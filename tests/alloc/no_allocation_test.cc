// The bid path makes no heap allocation per request in steady state. This
// executable replaces the global operator new/delete with counting versions
// (its own binary, so no other test is affected) and counts allocations on
// this thread while requests go through HTTP framing, the router and the
// bid path, bids and no-bids alike.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "bidline/engine/control_loop.h"
#include "bidline/engine/http_request.h"
#include "bidline/engine/router.h"
#include "bidline/engine/synthetic_catalog.h"

namespace {
thread_local bool counting = false;
thread_local std::uint64_t allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
    if (counting) ++allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (counting) ++allocations;
    if (void* p = std::aligned_alloc(static_cast<std::size_t>(a), (n + static_cast<std::size_t>(a) - 1) & ~(static_cast<std::size_t>(a) - 1))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace bidline {
namespace {

std::string http_post(const std::string& body) {
    return "POST /openrtb2/bid HTTP/1.1\r\nHost: bidder\r\nContent-Type: application/json\r\nx-openrtb-version: 2.6\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(NoAllocation, BidPathThroughRouterAllocatesNothingPerRequest) {
    ManualClock clock(Timestamp{std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}.time_since_epoch()});
    Config config;
    config.engine.shards = 1;
    config.campaigns = synthetic_campaign_model(1000);
    EngineState state(config, clock);
    ControlLoop control(state);
    control.tick();
    Router router(state, *state.shards[0]);

    // Requests that bid, and ones that do not (another country), each with its own id.
    std::vector<std::string> wire;
    for (int i = 0; i < 64; ++i) {
        std::string body = synthetic_bid_request(static_cast<std::uint64_t>(i));
        if (i % 4 == 3) body.replace(body.find("\"USA\""), 5, "\"ZZZ\"");
        wire.push_back(http_post(body));
    }
    std::vector<std::string> buffers = wire;  // parse_http_request may write (de-chunking)

    std::uint64_t bids = 0, no_bids = 0;
    auto serve = [&](int rounds) {
        for (int r = 0; r < rounds; ++r) {
            for (std::size_t k = 0; k < wire.size(); ++k) {
                HttpRequest req;
                if (parse_http_request(buffers[k].data(), buffers[k].size(), HttpLimits{}, req) != HttpParseStatus::complete)
                    FAIL() << "framing";
                const RouteResponse resp = router.route(req, req.body, clock.now());
                if (resp.status == 200) ++bids; else if (resp.status == 204) ++no_bids; else FAIL() << resp.status;
            }
        }
    };
    serve(20);  // warm-up: first-use allocations (parser buffers, scratch) happen here
    control.tick();
    router.refresh();  // snapshot pick-up happens between requests, outside the count

    bids = no_bids = 0;
    allocations = 0;
    counting = true;
    serve(100);
    counting = false;

    EXPECT_EQ(allocations, 0u) << "heap allocations in " << bids + no_bids << " requests";
    EXPECT_GT(bids, 0u);
    EXPECT_GT(no_bids, 0u);
}

}  // namespace
}  // namespace bidline
