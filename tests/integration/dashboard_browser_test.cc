// The dashboard in a real browser: `bidline demo` runs with its synthetic
// exchange, Debian's Chromium (headless) opens /dashboard from it, and the
// page must draw the engine's own numbers with no script or console error.
// The page writes what it drew into data attributes (see dashboard_page.cc),
// so the test compares them with /v1/stats read just before and after the
// browser ran. A screenshot is kept as test-artifacts/dashboard.png under
// the build directory (ctest's working directory).
//
// Chromium is a test dependency (tools/dev installs it): missing, the test
// fails rather than skips, so a machine without it cannot pass the suite.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kChromium = "/usr/bin/chromium";

struct CampaignFigures {
    std::int64_t spend = 0;
    std::int64_t budget = 0;
};

std::map<std::string, CampaignFigures> campaign_figures(HttpClient& client, const HeaderList& headers = {}) {
    const HttpResponse r = client.request("GET", "/v1/stats", {}, headers);
    EXPECT_EQ(r.status, 200);
    simdjson::dom::parser parser;
    std::map<std::string, CampaignFigures> out;
    for (simdjson::dom::element c : simdjson::dom::array(parser.parse(r.body)["campaigns"])) {
        const std::string_view id = c["id"];
        out[std::string(id)] = {std::int64_t(c["spend_micros"]), std::int64_t(c["budget_micros"])};
    }
    return out;
}

// Runs headless Chromium on `url` with one action (--dump-dom or
// --screenshot=...); returns what it printed on stdout, and its stderr in `log`.
std::string run_chromium(const std::string& url, const std::string& action, const fs::path& work, std::string& log) {
    static int run = 0;
    const fs::path profile = work / ("profile-" + std::to_string(++run));
    const fs::path out = work / ("out-" + std::to_string(run)), err = work / ("err-" + std::to_string(run));
    fs::create_directories(profile);
    const std::string cmd = std::string("timeout 120 ") + kChromium +
                            " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                            " --disable-background-networking --disable-component-update --disable-sync"
                            " --disable-dev-shm-usage --hide-scrollbars --enable-logging=stderr --v=0"
                            " --user-data-dir=" + profile.string() +
                            " --window-size=1400,1000 --virtual-time-budget=6000 " + action + " '" + url + "' > " +
                            out.string() + " 2> " + err.string();
    const int rc = std::system(cmd.c_str());
    log = read_file(err);
    EXPECT_EQ(rc, 0) << cmd << "\n" << log;
    return read_file(out);
}

std::string attr(const std::string& tag, const std::string& name) {
    const std::regex re(name + "=\"([^\"]*)\"");
    std::smatch m;
    return std::regex_search(tag, m, re) ? m[1].str() : std::string{};
}

TEST(DashboardBrowser, DrawsTheEnginesLiveNumbersWithoutErrors) {
    ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: run tools/dev setup (it installs Debian's chromium)";

    EngineProcess engine({"demo", "--rate", "400"});
    HttpClient client(engine.host(), engine.port());
    // Wait for money to move: wins come back a little after the first bids.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::int64_t total = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        total = 0;
        for (const auto& [id, f] : campaign_figures(client)) total += f.spend;
        if (total > 0) break;
        std::this_thread::sleep_for(250ms);
    }
    ASSERT_GT(total, 0) << "the demo exchange produced no spend\n" << engine.describe();

    const fs::path work = fs::temp_directory_path() / ("bidline-dashboard-" + std::to_string(::getpid()));
    fs::create_directories(work);
    const std::string url = "http://" + engine.host() + ":" + std::to_string(engine.port()) + "/dashboard";

    const auto before = campaign_figures(client);
    std::string log;
    const std::string dom = run_chromium(url, "--dump-dom", work, log);
    const auto after = campaign_figures(client);

    // The page ran, polled at least once, and reported no error.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(dom, m, std::regex("<body[^>]*>"))) << dom.substr(0, 2000);
    const std::string body = m[0].str();
    EXPECT_EQ(attr(body, "data-errors"), "0") << body;
    ASSERT_FALSE(attr(body, "data-updates").empty()) << body;
    EXPECT_GE(std::stoi(attr(body, "data-updates")), 1) << body;
    // Chromium logs every console message as ":CONSOLE" (whatever its level);
    // the page logs nothing, so any such line is a problem.
    EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << log;

    // Every campaign of the engine has a card, and the spend it shows and
    // draws lies between what /v1/stats said before and after the browser.
    std::map<std::string, std::string> cards, canvases;
    const std::regex card_re("<article[^>]*data-campaign=\"([^\"]+)\"[^>]*>"), canvas_re("<canvas[^>]*data-campaign=\"([^\"]+)\"[^>]*>");
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), card_re); it != std::sregex_iterator(); ++it)
        cards[(*it)[1].str()] = (*it)[0].str();
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), canvas_re); it != std::sregex_iterator(); ++it)
        canvases[(*it)[1].str()] = (*it)[0].str();
    ASSERT_EQ(cards.size(), before.size()) << dom.substr(0, 4000);
    std::int64_t drawn_total = 0;
    for (const auto& [id, f0] : before) {
        ASSERT_TRUE(cards.count(id)) << "no card for campaign " << id;
        const std::int64_t shown = std::stoll(attr(cards[id], "data-spend-micros"));
        EXPECT_GE(shown, f0.spend) << id;
        EXPECT_LE(shown, after.at(id).spend) << id;
        EXPECT_EQ(std::stoll(attr(cards[id], "data-budget-micros")), f0.budget) << id;
        ASSERT_TRUE(canvases.count(id)) << "no chart for campaign " << id;
        EXPECT_EQ(attr(canvases[id], "data-drawn-spend-micros"), attr(cards[id], "data-spend-micros")) << id;
        EXPECT_GE(std::stoi(attr(canvases[id], "data-drawn-points")), 2) << id;
        drawn_total += shown;
    }
    EXPECT_GT(drawn_total, 0);

    // The screenshot, for people (and for the report that goes with a change).
    const fs::path artifacts = fs::current_path() / "test-artifacts";
    fs::create_directories(artifacts);
    const fs::path png = artifacts / "dashboard.png";
    fs::remove(png);
    run_chromium(url, "--screenshot=" + png.string(), work, log);
    ASSERT_TRUE(fs::exists(png)) << log;
    EXPECT_GT(fs::file_size(png), 20'000u) << "a blank page compresses to almost nothing";
    std::cout << "dashboard screenshot: " << png << "\n";

    fs::remove_all(work);
    EXPECT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();
}

// With API keys: the page loads without one, draws nothing and says what it
// needs; opened as /dashboard#key=KEY (a read key) it draws every campaign,
// and the key leaves the address bar and never reaches the page's text.
TEST(DashboardBrowser, WithApiKeysThePageUsesTheReadKeyGivenInItsFragment) {
    ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: run tools/dev setup (it installs Debian's chromium)";
    ScratchDir dir("bidline-dashboard-keys");
    const auto keys = dir.path() / "keys.txt";
    const CliRun minted = run_bidline({"keys", "add", "--file", keys.string(), "--name", "dashboard", "--scopes", "read"});
    ASSERT_EQ(minted.exit_code, 0) << minted.err;
    const std::string key = minted.out.substr(0, minted.out.find('\n'));
    EngineProcess engine({"serve", "--api-keys", keys.string()});
    HttpClient client(engine.host(), engine.port());
    const auto campaigns = campaign_figures(client, {{"Authorization", "Bearer " + key}});
    ASSERT_FALSE(campaigns.empty());
    const std::string url = "http://" + engine.host() + ":" + std::to_string(engine.port()) + "/dashboard";

    std::string log;
    const std::string locked = run_chromium(url, "--dump-dom", dir.path(), log);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(locked, m, std::regex("<body[^>]*>"))) << locked.substr(0, 2000);
    EXPECT_EQ(attr(m[0].str(), "data-auth"), "needed") << m[0].str();
    EXPECT_EQ(attr(m[0].str(), "data-updates"), "0");
    EXPECT_NE(locked.find("needs an API key with the read scope"), std::string::npos);

    const std::string dom = run_chromium(url + "#key=" + key, "--dump-dom", dir.path(), log);
    ASSERT_TRUE(std::regex_search(dom, m, std::regex("<body[^>]*>"))) << dom.substr(0, 2000);
    const std::string body = m[0].str();
    EXPECT_EQ(attr(body, "data-errors"), "0") << body;
    EXPECT_EQ(attr(body, "data-auth"), "") << body;
    ASSERT_FALSE(attr(body, "data-updates").empty()) << body;
    EXPECT_GE(std::stoi(attr(body, "data-updates")), 1) << body;
    for (const auto& [id, figures] : campaigns)
        EXPECT_NE(dom.find("data-campaign=\"" + id + "\""), std::string::npos) << "no card for campaign " << id;
    EXPECT_EQ(dom.find(key.substr(20)), std::string::npos) << "the key's secret is in the page";
    EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << log;
    EXPECT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();
}

}  // namespace
}  // namespace bidline::test
