// The activation sender against a receiver on loopback that plays the
// platform: each request must arrive in the documented shape with the
// credential from the store; 5xx and silence are retried with doubling
// backoff, 429 after its Retry-After, another 4xx never; a missing
// credential sends nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bidline/engine/activation_sender.h"
#include "bidline/engine/credential_store.h"
#include "support/platform_receiver.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

using test::http_answer;
using test::PlatformReceiver;
using test::Received;

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
    PlatformReceiver platform({http_answer(503), http_answer(429, "Retry-After: 7\r\n"), http_answer(502), http_answer(200, {}, R"({"success":true})")});
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
    PlatformReceiver bad({http_answer(400, {}, R"({"error":{"message":"Invalid parameter"}})")});
    const SendOutcome rejected = send(bad, meta_budget(), "meta");
    EXPECT_EQ(rejected.result, SendResult::rejected);
    EXPECT_EQ(rejected.attempts, 1);
    EXPECT_EQ(rejected.detail, R"({"error":{"message":"Invalid parameter"}})");
    EXPECT_TRUE(waits_.empty());

    PlatformReceiver down({http_answer(500)});
    const SendOutcome gave_up = send(down, meta_budget(), "meta");
    EXPECT_EQ(gave_up.result, SendResult::gave_up);
    EXPECT_EQ(gave_up.attempts, 4);
    EXPECT_EQ(waits_, (std::vector<long>{500, 1000, 2000}));
    EXPECT_EQ(down.received().size(), 4u);
}

TEST_F(ActivationSenderTest, AMissingCredentialSendsNothing) {
    PlatformReceiver platform({http_answer(200)});
    const SendOutcome out = send(platform, meta_budget(), "tiktok");
    EXPECT_EQ(out.result, SendResult::rejected);
    EXPECT_EQ(out.attempts, 0);
    EXPECT_EQ(out.detail, "no credential \"tiktok\" in the credential store");
    EXPECT_TRUE(platform.received().empty());
}

}  // namespace
}  // namespace bidline
