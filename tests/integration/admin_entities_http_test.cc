// The admin API's entities through the real binary: a campaign built from
// scratch with curl-like requests (advertiser, campaign, line item,
// creative), approved and launched, bids without a restart; bad bodies get
// field-level errors from the configuration file's readers; stale If-Match
// gets 412; every acknowledged version survives kill -9 and a SIGHUP
// reload; the audit log lists exactly the changes.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/engine_process.h"
#include "support/eventually.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;

// The file's own campaign is paused, so every bid comes from the API's.
MiniConfig paused_file_campaign() { return MiniConfig{.campaign_extra = "paused = true\n"}; }

constexpr std::string_view kAdvertiser = R"({"id":"acme","name":"Acme","domains":["acme.example"]})";
constexpr std::string_view kCampaign =
    R"({"id":"spring","advertiser":"acme","name":"Spring sale","daily_budget":50,"start":"2024-01-01","end":"2035-12-31"})";
constexpr std::string_view kLineItem =
    R"({"id":"spring-li","campaign":"spring","bid":{"strategy":"manual_cpm","cpm":2.0},"targeting":{"sizes":["300x250"]}})";
constexpr std::string_view kCreative =
    R"({"id":"spring-cr","line_item":"spring-li","format":"banner","w":300,"h":250,"markup":"<div>spring</div>"})";

HttpResponse send(HttpClient& c, std::string_view method, std::string_view path, std::string_view body = {},
                  std::string_view if_match = {}) {
    HeaderList h{{"X-Bidline-User", "carol@example.com"}};
    if (!if_match.empty()) h.emplace_back("If-Match", std::string(if_match));
    return c.request(method, path, body, h);
}

HttpResponse set_campaign_status(HttpClient& c, std::string_view id, std::string_view status) {
    return send(c, "POST", "/v1/campaigns/" + std::string(id) + "/status",
                R"({"status":")" + std::string(status) + "\"}");
}

void create_spring_campaign(HttpClient& c) {
    ASSERT_EQ(send(c, "POST", "/v1/advertisers", kAdvertiser).status, 201);
    ASSERT_EQ(send(c, "POST", "/v1/campaigns", kCampaign).status, 201);
    ASSERT_EQ(send(c, "POST", "/v1/line_items", kLineItem).status, 201);
    ASSERT_EQ(send(c, "POST", "/v1/creatives", kCreative).status, 201);
}

void launch_spring_campaign(HttpClient& c) {
    for (std::string_view s : {"pending_review", "approved", "active"}) {
        const HttpResponse r = set_campaign_status(c, "spring", s);
        ASSERT_EQ(r.status, 200) << s << ": " << r.body;
    }
}

bool bids_with(HttpClient& c, std::string_view creative) {
    const HttpResponse r = c.post_bid(read_file(simple_banner_request_file()));
    return r.status == 200 && r.body.find(creative) != std::string::npos;
}

// The first field error of a 422 answer, as "field: reason".
std::string first_field_error(const HttpResponse& r) {
    simdjson::dom::parser p;
    simdjson::dom::element fields;
    if (p.parse(r.body)["fields"].get(fields) || fields.get_array().size() == 0) return "(no fields) " + r.body;
    const auto f = fields.at(0);
    return std::string(f["field"].get_string().value()) + ": " + std::string(f["reason"].get_string().value());
}

std::vector<std::string> audit_lines(HttpClient& c) {
    simdjson::dom::parser p;
    std::vector<std::string> out;
    for (const auto e : p.parse(c.request("GET", "/v1/audit").body)["entries"].get_array()) {
        out.push_back(std::string(e["action"].get_string().value()) + " " +
                      std::string(e["entity"].get_string().value()) + " " + std::string(e["id"].get_string().value()) +
                      " v" + std::to_string(e["after"]["version"].get_uint64().value()));
    }
    return out;
}

TEST(AdminEntitiesHttp, ACampaignCreatedFromScratchBidsOnceApprovedAndLaunched) {
    const auto config = write_mini_config("entities-flow.toml", paused_file_campaign());
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());

    HttpResponse r = send(c, "POST", "/v1/campaigns", kCampaign);
    EXPECT_EQ(r.status, 422) << "its advertiser does not exist yet: " << r.body;
    EXPECT_EQ(first_field_error(r), "advertiser: unknown advertiser \"acme\"");

    r = send(c, "POST", "/v1/advertisers", kAdvertiser);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"1\"");
    r = send(c, "POST", "/v1/campaigns", kCampaign);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_NE(r.body.find(R"("status":"draft","version":1,"source":"api")"), std::string::npos) << r.body;
    ASSERT_EQ(send(c, "POST", "/v1/line_items", kLineItem).status, 201);
    r = set_campaign_status(c, "spring", "pending_review");
    ASSERT_EQ(r.status, 200);
    r = set_campaign_status(c, "spring", "approved");
    ASSERT_EQ(r.status, 200);
    r = set_campaign_status(c, "spring", "active");
    EXPECT_EQ(r.status, 422) << "no creative yet: " << r.body;
    EXPECT_NE(r.body.find(R"("field":"line_items.spring-li.creatives")"), std::string::npos) << r.body;
    ASSERT_EQ(send(c, "POST", "/v1/creatives", kCreative).status, 201);
    EXPECT_FALSE(bids_with(c, "spring-cr")) << "approved is not active";

    r = set_campaign_status(c, "spring", "active");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(eventually([&] { return bids_with(c, "spring-cr"); })) << "no bid from the API's campaign";

    r = c.request("GET", "/v1/campaigns/spring");
    EXPECT_NE(r.body.find(R"("status":"active","version":4)"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(R"("daily_budget":50)"), std::string::npos) << "the body keeps the file's keys: " << r.body;
    r = c.request("GET", "/v1/line_items");
    EXPECT_NE(r.body.find(R"("id":"li")"), std::string::npos) << "the file's line item is listed: " << r.body;
    EXPECT_NE(r.body.find(R"("id":"spring-li")"), std::string::npos) << r.body;
    EXPECT_NE(c.request("GET", "/v1/campaigns").body.find(R"("id":"spring")"), std::string::npos);

    // The refused create and the refused launch are not changes.
    EXPECT_EQ(audit_lines(c),
              (std::vector<std::string>{"create advertiser acme v1", "create campaign spring v1",
                                        "create line_item spring-li v1", "set_status campaign spring v2",
                                        "set_status campaign spring v3", "create creative spring-cr v1",
                                        "set_status campaign spring v4"}));
    simdjson::dom::parser p;
    const auto first = p.parse(c.request("GET", "/v1/audit").body)["entries"].at(0);
    EXPECT_EQ(std::string_view(first["who"].get_string()), "carol@example.com");
    EXPECT_EQ(std::string_view(first["after"]["body"]["name"].get_string()), "Acme");
}

TEST(AdminEntitiesHttp, BadBodiesGetFieldLevelErrorsFromTheConfigReaders) {
    const auto config = write_mini_config("entities-errors.toml", MiniConfig{});
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());
    ASSERT_EQ(send(c, "POST", "/v1/advertisers", kAdvertiser).status, 201);
    ASSERT_EQ(send(c, "POST", "/v1/campaigns", kCampaign).status, 201);

    struct Case {
        std::string_view path, body, error;
    };
    const Case cases[] = {
        {"/v1/line_items", R"({"id":"x","campaign":"spring","bid":{"strategy":"manual_cpm","cpmm":2}})",
         "bid.cpmm: unknown key (did you mean \"cpm\"?)"},
        {"/v1/campaigns",
         R"({"id":"x","advertiser":"acme","daily_budget":"lots","start":"2024-01-01","end":"2024-02-01"})",
         "daily_budget: expected a number, got a string"},
        {"/v1/line_items", R"({"id":"x","campaign":"spring"})", "bid: missing required table [line_item.bid]"},
        {"/v1/line_items", R"({"id":"x","campaign":"nope","bid":{"strategy":"manual_cpm","cpm":2}})",
         "campaign: unknown campaign \"nope\""},
        {"/v1/creatives", R"({"id":"x","line_item":"nope","format":"banner","w":1,"h":1,"markup":"m"})",
         "line_item: unknown line item \"nope\""},
        {"/v1/advertisers", R"({"id":"x","currency":null})",
         "currency: null is not a value here: leave the key out for its default"},
        {"/v1/advertisers", R"({"name":"no id"})", "id: missing required key"},
        {"/v1/campaigns",
         R"({"id":"x","advertiser":"acme","daily_budget":1,"start":"2024-01-01","end":"2024-02-01","paused":true})",
         "paused: the workflow decides: POST /v1/campaigns/ID/status"},
    };
    for (const Case& k : cases) {
        const HttpResponse r = send(c, "POST", k.path, k.body);
        EXPECT_EQ(r.status, 422) << k.body << " -> " << r.body;
        EXPECT_EQ(first_field_error(r), k.error) << k.body;
    }
    HttpResponse r = send(c, "POST", "/v1/campaigns", "{not json");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(first_field_error(r), "body: not a JSON object");
    r = send(c, "POST", "/v1/advertisers", R"({"id":"adv"})");
    EXPECT_EQ(r.status, 409) << "the file's advertiser: " << r.body;
    r = send(c, "PUT", "/v1/advertisers/adv", R"({"id":"adv"})");
    EXPECT_EQ(r.status, 409) << "the file's entities are edited in the file: " << r.body;
    EXPECT_EQ(send(c, "PUT", "/v1/line_items/nope", "{}").status, 404);
    EXPECT_EQ(send(c, "PATCH", "/v1/campaigns/spring", R"({"id":"other"})").status, 422);
    EXPECT_EQ(audit_lines(c), (std::vector<std::string>{"create advertiser acme v1", "create campaign spring v1"}))
        << "refused writes change nothing";
    // An archived line item takes no more creatives.
    ASSERT_EQ(send(c, "POST", "/v1/line_items", kLineItem).status, 201);
    ASSERT_EQ(send(c, "DELETE", "/v1/line_items/spring-li").status, 200);
    r = send(c, "POST", "/v1/creatives", kCreative);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(first_field_error(r), "line_item: unknown line item \"spring-li\"");
    EXPECT_TRUE(engine.running());
}

TEST(AdminEntitiesHttp, AStaleIfMatchIsRefusedAndEveryVersionStaysReadable) {
    const auto config = write_mini_config("entities-versions.toml", MiniConfig{});
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());
    ASSERT_EQ(send(c, "POST", "/v1/advertisers", kAdvertiser).status, 201);

    HttpResponse r = send(c, "PATCH", "/v1/advertisers/acme", R"({"name":"Acme Inc"})", "\"1\"");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"2\"");
    r = send(c, "PUT", "/v1/advertisers/acme", R"({"name":"Acme Corp"})", "\"1\"");
    EXPECT_EQ(r.status, 412) << r.body;
    EXPECT_EQ(r.headers.get("ETag"), "\"2\"");

    r = c.request("GET", "/v1/advertisers/acme?version=1");
    EXPECT_NE(r.body.find(R"("name":"Acme",)"), std::string::npos) << r.body;
    r = c.request("GET", "/v1/advertisers/acme");
    EXPECT_NE(r.body.find(R"("name":"Acme Inc")"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(R"("domains":["acme.example"])"), std::string::npos)
        << "PATCH kept the other keys: " << r.body;

    r = send(c, "DELETE", "/v1/advertisers/acme", {}, "\"2\"");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(R"("status":"archived","version":3)"), std::string::npos) << r.body;
    EXPECT_EQ(send(c, "PATCH", "/v1/advertisers/acme", R"({"name":"again"})").status, 409) << "archived is final";
    EXPECT_EQ(send(c, "POST", "/v1/campaigns", kCampaign).status, 422) << "an archived advertiser is gone";

    simdjson::dom::parser p;
    const auto versions = p.parse(c.request("GET", "/v1/advertisers/acme/versions").body)["versions"].get_array();
    ASSERT_EQ(versions.size(), 3u);
    EXPECT_EQ(std::string_view(versions.at(1)["body"]["name"].get_string()), "Acme Inc");
}

TEST(AdminEntitiesHttp, EveryAcknowledgedEntityAndVersionSurvivesKillDashNine) {
    const auto config = write_mini_config("entities-crash.toml", paused_file_campaign());
    const ScratchDir scratch("entities-crash");
    const std::string data_dir = (scratch.path() / "data").string();
    {
        EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
        HttpClient c(engine.host(), engine.port());
        create_spring_campaign(c);
        ASSERT_EQ(send(c, "PATCH", "/v1/campaigns/spring", R"({"daily_budget":75})", "\"1\"").status, 200);
        ASSERT_EQ(set_campaign_status(c, "spring", "pending_review").status, 200);
        engine.send_signal(SIGKILL);
        ASSERT_TRUE(engine.wait_exit(30s).has_value());
    }
    EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
    HttpClient c(engine.host(), engine.port());
    HttpResponse r = c.request("GET", "/v1/campaigns/spring");
    EXPECT_NE(r.body.find(R"("daily_budget":75)"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(R"("status":"pending_review","version":3)"), std::string::npos) << r.body;
    r = c.request("GET", "/v1/campaigns/spring?version=1");
    EXPECT_NE(r.body.find(R"("daily_budget":50)"), std::string::npos) << r.body;
    for (std::string_view path : {"/v1/advertisers/acme", "/v1/line_items/spring-li", "/v1/creatives/spring-cr"})
        EXPECT_EQ(c.request("GET", path).status, 200) << path;
    EXPECT_EQ(audit_lines(c).size(), 6u);
    // Still a working campaign after the crash: it launches and bids.
    ASSERT_EQ(set_campaign_status(c, "spring", "approved").status, 200);
    ASSERT_EQ(set_campaign_status(c, "spring", "active").status, 200);
    EXPECT_TRUE(eventually([&] { return bids_with(c, "spring-cr"); }));
}

TEST(AdminEntitiesHttp, AReloadKeepsTheEntitiesOfTheApi) {
    const auto config = write_mini_config("entities-reload.toml", paused_file_campaign());
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());
    create_spring_campaign(c);
    launch_spring_campaign(c);
    ASSERT_TRUE(eventually([&] { return bids_with(c, "spring-cr"); }));
    MiniConfig changed = paused_file_campaign();
    changed.daily_budget = 200.0;
    write_mini_config("entities-reload.toml", changed);
    engine.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] {
        return engine.captured_stderr().find("configuration reloaded") != std::string::npos;
    })) << engine.describe();
    EXPECT_TRUE(bids_with(c, "spring-cr"));
    EXPECT_EQ(c.request("GET", "/v1/creatives/spring-cr").status, 200);

    // A file that now defines an id the API created is refused as a whole.
    changed.engine = "[[advertiser]]\nid = \"acme\"\n";
    write_mini_config("entities-reload.toml", changed);
    engine.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] {
        return engine.captured_stderr().find("clashes with entities of the admin API: advertiser.id") !=
               std::string::npos;
    })) << engine.describe();
    EXPECT_TRUE(bids_with(c, "spring-cr"));
    EXPECT_TRUE(engine.running());
}

TEST(AdminEntitiesHttp, AFileThatClashesWithTheApiStillStartsAndBids) {
    const auto config = write_mini_config("entities-clash.toml", MiniConfig{});
    const ScratchDir scratch("entities-clash");
    const std::string data_dir = (scratch.path() / "data").string();
    {
        EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
        HttpClient c(engine.host(), engine.port());
        ASSERT_EQ(send(c, "POST", "/v1/advertisers", kAdvertiser).status, 201);
        ASSERT_TRUE(engine.stop().has_value());
    }
    write_mini_config("entities-clash.toml", MiniConfig{.engine = "[[advertiser]]\nid = \"acme\"\n"});
    EngineProcess engine({"serve", "--config", config.string(), "--data-dir", data_dir});
    HttpClient c(engine.host(), engine.port());
    EXPECT_TRUE(eventually([&] { return bids_with(c, "\"cr\""); })) << "the file's campaign runs";
    EXPECT_EQ(c.request("GET", "/v1/advertisers/acme/versions").status, 200) << "the API's history stays";
    EXPECT_NE(engine.captured_stderr().find("admin API entities left out of the catalog"), std::string::npos);
}

}  // namespace
}  // namespace bidline::test
