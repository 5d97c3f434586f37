// The campaign admin API through the real binary: status changes with
// If-Match, refused transitions, the audit log, the effect on bidding
// without a restart, and statuses surviving kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "support/engine_process.h"
#include "support/eventually.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;

HttpResponse set_status(HttpClient& c, std::string_view status, std::string_view if_match = {}) {
    HeaderList h{{"X-Bidline-User", "alice@example.com"}};
    if (!if_match.empty()) h.emplace_back("If-Match", std::string(if_match));
    return c.request("POST", "/v1/campaigns/cmp/status", R"({"status":")" + std::string(status) + "\"}", h);
}

TEST(AdminApiHttp, PauseAndResumeWithIfMatchAuditedAndEffectiveAtOnce) {
    const auto config = write_mini_config("admin.toml", MiniConfig{});
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());
    const std::string request = read_file(simple_banner_request_file());
    ASSERT_EQ(c.post_bid(request).status, 200);

    HttpResponse r = c.request("GET", "/v1/campaigns/cmp");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"1\"");
    EXPECT_NE(r.body.find(R"("status":"active","version":1)"), std::string::npos) << r.body;
    EXPECT_NE(c.request("GET", "/v1/campaigns").body.find(R"("id":"cmp")"), std::string::npos);

    r = set_status(c, "paused", "\"1\"");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"2\"");
    EXPECT_NE(r.body.find(R"("status":"paused","version":2)"), std::string::npos) << r.body;
    // The new catalog is live at once: no more bids.
    EXPECT_TRUE(eventually([&] { return c.post_bid(request).status == 204; }));

    r = set_status(c, "active", "\"1\"");
    EXPECT_EQ(r.status, 412) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"2\"");
    r = set_status(c, "approved", "\"2\"");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find(R"("from":"paused","to":"approved","allowed":["active","completed","archived"])"),
              std::string::npos)
        << r.body;
    r = set_status(c, "running");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find(R"("field":"status")"), std::string::npos) << r.body;
    EXPECT_EQ(c.request("POST", "/v1/campaigns/cmp/status", "{not json").status, 400);
    EXPECT_EQ(c.request("POST", "/v1/campaigns/nope/status", R"({"status":"paused"})").status, 404);
    EXPECT_EQ(c.request("GET", "/v1/campaigns/nope").status, 404);

    r = set_status(c, "active", "\"2\"");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(eventually([&] { return c.post_bid(request).status == 200; }));

    r = c.request("GET", "/v1/audit");
    ASSERT_EQ(r.status, 200);
    simdjson::dom::parser p;
    const simdjson::dom::array entries = p.parse(r.body)["entries"].get_array();
    ASSERT_EQ(entries.size(), 2u) << r.body;  // refused changes are not changes
    const auto e0 = entries.at(0), e1 = entries.at(1);
    EXPECT_EQ(e0["seq"].get_uint64().value_unsafe(), 1u);
    EXPECT_EQ(std::string_view(e0["who"].get_string()), "alice@example.com");
    EXPECT_EQ(std::string_view(e0["entity"].get_string()), "campaign");
    EXPECT_EQ(std::string_view(e0["id"].get_string()), "cmp");
    EXPECT_EQ(std::string_view(e0["before"]["status"].get_string()), "active");
    EXPECT_EQ(std::string_view(e0["after"]["status"].get_string()), "paused");
    EXPECT_EQ(e0["after"]["version"].get_uint64().value_unsafe(), 2u);
    EXPECT_EQ(std::string_view(e1["after"]["status"].get_string()), "active");
    EXPECT_EQ(c.request("GET", "/v1/audit?since=1").body.find(R"("seq":1,)"), std::string::npos);
}

TEST(AdminApiHttp, StatusesAndTheAuditLogSurviveKillDashNine) {
    const auto config = write_mini_config("admin-crash.toml", MiniConfig{});
    const ScratchDir scratch("admin-crash");
    const std::string data_dir = (scratch.path() / "data").string();
    {
        EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
        HttpClient c(engine.host(), engine.port());
        ASSERT_EQ(set_status(c, "paused").status, 200);
        ASSERT_EQ(set_status(c, "completed").status, 200);
        engine.send_signal(SIGKILL);
        ASSERT_TRUE(engine.wait_exit(30s).has_value());
    }
    EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
    HttpClient c(engine.host(), engine.port());
    const HttpResponse r = c.request("GET", "/v1/campaigns/cmp");
    EXPECT_NE(r.body.find(R"("status":"completed","version":3)"), std::string::npos) << r.body;
    EXPECT_EQ(c.post_bid(read_file(simple_banner_request_file())).status, 204)
        << "a completed campaign does not bid after the restart either";
    simdjson::dom::parser p;
    EXPECT_EQ(p.parse(c.request("GET", "/v1/audit").body)["entries"].get_array().size(), 2u);
    EXPECT_EQ(set_status(c, "archived", "\"3\"").status, 200);
    EXPECT_EQ(set_status(c, "active").status, 409) << "archived is final";
}

TEST(AdminApiHttp, AReloadedConfigurationKeepsTheWorkflowsPause) {
    const auto config = write_mini_config("admin-reload.toml", MiniConfig{});
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());
    const std::string request = read_file(simple_banner_request_file());
    ASSERT_EQ(set_status(c, "paused").status, 200);
    // A 204 the engine decided, not one it shed unread (Bidline-Shed) on a busy machine before the pause was in.
    ASSERT_TRUE(eventually([&] {
        const HttpResponse r = c.post_bid(request);
        return r.status == 204 && !r.headers.get("Bidline-Shed");
    }));
    write_mini_config("admin-reload.toml", MiniConfig{.daily_budget = 200.0});  // the file says nothing of pauses
    engine.send_signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        return engine.captured_stderr().find("configuration reloaded") != std::string::npos;
    })) << engine.describe();
    EXPECT_NE(c.request("GET", "/v1/campaigns/cmp").body.find(R"("status":"paused")"), std::string::npos);
    // Across the next control ticks (250 ms each) the campaign stays out of the auctions.
    const auto until = std::chrono::steady_clock::now() + 800ms;
    while (std::chrono::steady_clock::now() < until) ASSERT_EQ(c.post_bid(request).status, 204);
}

}  // namespace
}  // namespace bidline::test
