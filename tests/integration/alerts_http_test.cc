// Alerts through the real binary: a campaign spends its daily budget early
// in the day; GET /v1/alerts shows the alert with its figures, the log has
// one line for it, and a webhook receiver on loopback — which fails the
// first two deliveries — gets it after retries. Raising the budget (an
// operator's pin through /v1/optimizer/override) resolves it, everywhere again.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/engine_process.h"
#include "support/eventually.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"

namespace bidline::test {
namespace {

using namespace std::chrono_literals;

// A plain HTTP receiver on 127.0.0.1: answers the first `failures` POSTs
// with 503, then 200, and keeps every body it was sent.
class WebhookReceiver {
public:
    explicit WebhookReceiver(int failures) : failures_(failures) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("webhook receiver: cannot listen");
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~WebhookReceiver() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return port_; }
    std::vector<std::string> bodies() const {
        std::lock_guard lock(mutex_);
        return bodies_;
    }
    std::vector<int> answers() const {
        std::lock_guard lock(mutex_);
        return answers_;
    }

private:
    void run() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            serve(c);
            ::close(c);
        }
    }
    void serve(int c) {
        timeval tv{2, 0};
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string in;
        char buf[4096];
        std::size_t head_end = std::string::npos, length = 0;
        while (head_end == std::string::npos || in.size() < head_end + 4 + length) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            in.append(buf, static_cast<std::size_t>(n));
            if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
                const auto cl = in.find("Content-Length: ");
                if (cl != std::string::npos && cl < head_end) length = std::strtoul(in.c_str() + cl + 16, nullptr, 10);
            }
        }
        int status = 200;
        {
            std::lock_guard lock(mutex_);
            status = static_cast<int>(answers_.size()) < failures_ ? 503 : 200;
            answers_.push_back(status);
            if (in.starts_with("POST /hooks/alerts HTTP/1.1\r\n")) bodies_.push_back(in.substr(head_end + 4, length));
        }
        const std::string out = "HTTP/1.1 " + std::to_string(status) +
                                (status == 200 ? " OK" : " Service Unavailable") +
                                "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    int failures_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> bodies_;
    std::vector<int> answers_;
    std::thread thread_;
};

MiniConfig alert_config(double daily_budget, std::uint16_t webhook_port) {
    MiniConfig c;
    c.daily_budget = daily_budget;
    c.campaign_extra = "pacing = \"asap\"\n";
    // early_plan_share = 1: "early" all day, so the test does not depend on the hour it runs at.
    c.engine =
        "shards = 1\n[alerts]\nevaluate_every_ms = 100\nearly_plan_share = 1.0\n"
        "webhook = \"http://127.0.0.1:" +
        std::to_string(webhook_port) +
        "/hooks/alerts\"\n"
        "webhook_backoff_ms = 50\nwebhook_retries = 4\n";
    return c;
}

std::int64_t spend_today(HttpClient& c) {
    simdjson::dom::parser p;
    const HttpResponse r = c.request("GET", "/v1/stats");
    return p.parse(r.body)["campaigns"].at(0)["spend_micros"].get_int64().value_unsafe();
}

TEST(AlertsHttp, BudgetSpentEarlyIsShownLoggedPostedWithRetriesAndResolvedWhenRaised) {
    WebhookReceiver receiver(2);
    const auto config = write_mini_config("alerts.toml", alert_config(0.05, receiver.port()));
    EngineProcess engine({"serve", "--config", config.string()});
    HttpClient c(engine.host(), engine.port());

    const HttpResponse none = c.request("GET", "/v1/alerts");
    ASSERT_EQ(none.status, 200);
    EXPECT_NE(none.body.find(R"("enabled":true,"active":0,"resolved":0,"alerts":[])"), std::string::npos) << none.body;

    // Bid, every bid winning at 1.00 CPM (1000 micros), until 96 % of the 0.05 budget is spent.
    const std::string request = read_file(simple_banner_request_file());
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (spend_today(c) < 48'000) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "spend never reached 96 % of the budget";
        for (int k = 0; k < 10; ++k) {
            const HttpResponse bid = c.post_bid(request);
            if (bid.status == 200) {
                ASSERT_EQ(c.request("GET", win_notice_path(bid.body)).status, 200);
            }
        }
    }
    simdjson::dom::parser p;
    std::string body;
    std::int64_t spend = 0;
    // Once the last win reached the ledger, the alert's value is spend / budget.
    ASSERT_TRUE(eventually([&] {
        spend = spend_today(c);
        body = c.request("GET", "/v1/alerts?state=active").body;
        if (body.find("budget_early") == std::string::npos) return false;
        return std::abs(p.parse(body)["alerts"].at(0)["value"].get_double().value_unsafe() -
                        static_cast<double>(spend) / 50'000) < 1e-5;
    })) << body;
    EXPECT_GT(spend, 47'500);
    simdjson::dom::element doc = p.parse(body);
    ASSERT_EQ(doc["active"].get_int64().value_unsafe(), 1) << body;
    simdjson::dom::element a = doc["alerts"].at(0);
    EXPECT_EQ(a["id"].get_int64().value_unsafe(), 1);
    EXPECT_EQ(std::string_view(a["rule"].get_string()), "budget_early");
    EXPECT_EQ(std::string_view(a["state"].get_string()), "active");
    EXPECT_EQ(std::string_view(a["severity"].get_string()), "critical");
    EXPECT_EQ(std::string_view(a["campaign"].get_string()), "cmp");
    EXPECT_TRUE(a["line_item"].is_null());
    EXPECT_DOUBLE_EQ(a["threshold"].get_double().value_unsafe(), 0.95);
    EXPECT_NEAR(a["value"].get_double().value_unsafe(), static_cast<double>(spend) / 50'000, 1e-5);
    EXPECT_EQ(std::string_view(a["unit"].get_string()), "share");
    EXPECT_NE(std::string(a["message"].get_string().value_unsafe()).find("of the daily budget 0.05 spent with only"),
              std::string::npos);
    const std::int64_t since_us = a["since_us"].get_int64().value_unsafe();
    EXPECT_EQ(std::string_view(a["since"].get_string()).size(), 20u);  // 2026-11-23T19:30:00Z

    // The dashboard shows the same alert.
    const HttpResponse dash = c.request("GET", "/dashboard/alerts.json");
    EXPECT_EQ(dash.status, 200);
    EXPECT_NE(dash.body.find(R"("rule":"budget_early")"), std::string::npos) << dash.body;

    // The webhook: two 503s, then delivered, all three carrying the same transition.
    ASSERT_TRUE(eventually([&] { return receiver.bodies().size() >= 3; })) << engine.describe();
    EXPECT_EQ(receiver.answers(), (std::vector<int>{503, 503, 200}));
    for (const std::string& b : receiver.bodies()) {
        simdjson::dom::element w = p.parse(b);
        EXPECT_EQ(std::string_view(w["event"].get_string()), "fired") << b;
        EXPECT_EQ(w["alert"]["id"].get_int64().value_unsafe(), 1);
        EXPECT_EQ(std::string_view(w["alert"]["rule"].get_string()), "budget_early");
        EXPECT_EQ(w["alert"]["since_us"].get_int64().value_unsafe(), since_us);
    }
    ASSERT_TRUE(eventually([&] {
        body = c.request("GET", "/v1/alerts").body;
        return body.find(R"("delivered":1,"attempts":3,"retries":2,"failed":0,"dropped":0)") != std::string::npos;
    })) << body;

    // Raise the budget (an operator's pin): 0.05 of 100.00 is no alarm; the alert resolves.
    ASSERT_EQ(c.request("POST", "/v1/optimizer/override?campaign=cmp&budget_micros=100000000").status, 200);
    ASSERT_TRUE(eventually([&] {
        body = c.request("GET", "/v1/alerts").body;
        return body.find(R"("active":0,"resolved":1)") != std::string::npos;
    })) << body;
    a = p.parse(body)["alerts"].at(0);
    EXPECT_EQ(a["id"].get_int64().value_unsafe(), 1);
    EXPECT_EQ(std::string_view(a["state"].get_string()), "resolved");
    EXPECT_EQ(a["since_us"].get_int64().value_unsafe(), since_us);
    EXPECT_GT(a["resolved_us"].get_int64().value_unsafe(), since_us);
    EXPECT_EQ(c.request("GET", "/v1/alerts?state=active").body.find("budget_early"), std::string::npos);
    ASSERT_TRUE(eventually([&] { return receiver.bodies().size() >= 4; }));
    EXPECT_EQ(std::string_view(p.parse(receiver.bodies().at(3))["event"].get_string()), "resolved");

    // The log: one line when it fired, one when it resolved, as JSON.
    ASSERT_TRUE(engine.stop().has_value());
    int fired = 0, resolved = 0;
    std::istringstream lines(engine.captured_stderr());
    for (std::string line; std::getline(lines, line);) {
        if (line.find("alert ") == std::string::npos) continue;
        simdjson::dom::element l = p.parse(line);
        const std::string_view msg = l["msg"].get_string();
        if (msg.starts_with("alert fired: ")) {
            ++fired;
            EXPECT_EQ(std::string_view(l["level"].get_string()), "warning");
            EXPECT_NE(msg.find(R"("rule":"budget_early")"), std::string::npos) << line;
        }
        if (msg.starts_with("alert resolved: ")) ++resolved;
    }
    EXPECT_EQ(fired, 1) << engine.captured_stderr();
    EXPECT_EQ(resolved, 1);
}

TEST(AlertsHttp, BadStateParameterIsA400) {
    EngineProcess engine({"serve"});
    HttpClient c(engine.host(), engine.port());
    const HttpResponse r = c.request("GET", "/v1/alerts?state=open");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("state: expected active, resolved or all, got \\\"open\\\""), std::string::npos) << r.body;
    EXPECT_EQ(c.request("POST", "/v1/alerts", "{}").status, 405);
}

}  // namespace
}  // namespace bidline::test
