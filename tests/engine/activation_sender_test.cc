// The activation sender against a receiver on loopback that plays the
// platform: each request must arrive in the documented shape with the
// credential from the store; 5xx and silence are retried with doubling
// backoff, 429 after its Retry-After, another 4xx never; a missing
// credential sends nothing.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bidline/engine/activation_sender.h"
#include "bidline/engine/credential_store.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

struct Received {
    std::string head;  // request line and headers
    std::string body;
};

// Answers each request with the next scripted response (the last repeats).
class PlatformReceiver {
public:
    explicit PlatformReceiver(std::vector<std::string> script) : script_(std::move(script)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        ::listen(fd_, 8);
        thread_ = std::thread([this] { serve(); });
    }
    ~PlatformReceiver() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::uint16_t port() const { return port_; }
    std::vector<Received> received() {
        std::lock_guard lock(mu_);
        return received_;
    }

private:
    void serve() {
        while (!stop_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string buf;
            char tmp[4096];
            for (;;) {
                const std::size_t end = buf.find("\r\n\r\n");
                if (end != std::string::npos) {
                    const std::size_t cl = buf.find("Content-Length: ");
                    const std::size_t length = cl < end ? std::strtoul(buf.c_str() + cl + 16, nullptr, 10) : 0;
                    if (buf.size() >= end + 4 + length) {
                        std::string answer;
                        {
                            std::lock_guard lock(mu_);
                            received_.push_back({buf.substr(0, end), buf.substr(end + 4, length)});
                            answer = script_[std::min(received_.size(), script_.size()) - 1];
                        }
                        buf.erase(0, end + 4 + length);
                        ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
                        continue;
                    }
                }
                const ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
                if (n <= 0) break;
                buf.append(tmp, static_cast<std::size_t>(n));
            }
            ::close(c);
        }
    }

    std::vector<std::string> script_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<Received> received_;
};

std::string answer(int status, std::string_view extra = {}, std::string_view body = "{}") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           std::string(extra) + "\r\n" + std::string(body);
}

constexpr const char* kToken = "EAAGm0PX4ZCpsBAMetaLongLivedToken77QZ";

class ActivationSenderTest : public ::testing::Test {
protected:
    ActivationSenderTest() {
        ::setenv(CredentialKey::kEnv, CredentialKey::generate_hex().c_str(), 1);
        store_.emplace(CredentialStore::open(dir_.path() / "creds.txt", CredentialKey::load(std::nullopt)));
        store_->set("meta", kToken);
        ::unsetenv(CredentialKey::kEnv);
    }
    SendOutcome send(PlatformReceiver& receiver, const feeds::PlatformRequest& r, std::string_view credential) {
        ActivationEndpoint e;
        e.port = receiver.port();
        e.base_path = "/graph";
        e.max_attempts = 4;
        ActivationSender sender(e, *store_, [this](std::chrono::milliseconds ms) { waits_.push_back(ms.count()); });
        return sender.send(r, credential);
    }
    static feeds::PlatformRequest meta_budget() {
        feeds::PlatformAdjustment a;
        a.platform = feeds::Platform::meta;
        a.platform_campaign_id = "23850000000001";
        a.field = feeds::AdjustedField::daily_budget;
        a.value_micros = 50'000'000;
        std::string error;
        return *feeds::platform_request(a, {}, error);
    }

    test::ScratchDir dir_{"bidline-activation"};
    std::optional<CredentialStore> store_;
    std::vector<long> waits_;
};

TEST_F(ActivationSenderTest, RetriesServerErrorsAndQuotaThenApplies) {
    PlatformReceiver platform({answer(503), answer(429, "Retry-After: 7\r\n"), answer(502), answer(200, {}, R"({"success":true})")});
    const SendOutcome out = send(platform, meta_budget(), "meta");
    EXPECT_EQ(out.result, SendResult::applied);
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(out.attempts, 4);
    EXPECT_EQ(out.detail, R"({"success":true})");
    EXPECT_EQ(waits_, (std::vector<long>{500, 7000, 1000}));  // backoff, Retry-After, doubled backoff
    const auto got = platform.received();
    ASSERT_EQ(got.size(), 4u);
    for (const Received& r : got) {  // every attempt is the same, complete request
        EXPECT_TRUE(r.head.starts_with("POST /graph/v19.0/23850000000001 HTTP/1.1\r\n")) << r.head;
        EXPECT_NE(r.head.find("\r\nAuthorization: Bearer " + std::string(kToken) + "\r\n"), std::string::npos) << r.head;
        EXPECT_NE(r.head.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n"), std::string::npos) << r.head;
        EXPECT_EQ(r.body, "daily_budget=5000");
    }
}

TEST_F(ActivationSenderTest, AClientErrorIsNotRetriedAndPersistentFailureGivesUp) {
    PlatformReceiver bad({answer(400, {}, R"({"error":{"message":"Invalid parameter"}})")});
    const SendOutcome rejected = send(bad, meta_budget(), "meta");
    EXPECT_EQ(rejected.result, SendResult::rejected);
    EXPECT_EQ(rejected.attempts, 1);
    EXPECT_EQ(rejected.detail, R"({"error":{"message":"Invalid parameter"}})");
    EXPECT_TRUE(waits_.empty());

    PlatformReceiver down({answer(500)});
    const SendOutcome gave_up = send(down, meta_budget(), "meta");
    EXPECT_EQ(gave_up.result, SendResult::gave_up);
    EXPECT_EQ(gave_up.attempts, 4);
    EXPECT_EQ(waits_, (std::vector<long>{500, 1000, 2000}));
    EXPECT_EQ(down.received().size(), 4u);
}

TEST_F(ActivationSenderTest, AMissingCredentialSendsNothing) {
    PlatformReceiver platform({answer(200)});
    const SendOutcome out = send(platform, meta_budget(), "tiktok");
    EXPECT_EQ(out.result, SendResult::rejected);
    EXPECT_EQ(out.attempts, 0);
    EXPECT_EQ(out.detail, "no credential \"tiktok\" in the credential store");
    EXPECT_TRUE(platform.received().empty());
}

}  // namespace
}  // namespace bidline
