// The activation loop between a scripted adjustments feed and a receiver
// on loopback that plays Meta's API: only the newest value of a field is
// sent, an adjustment the platform cannot take is passed over, one that
// cannot be delivered stops the pass and is sent again on the next, and
// the cursor file carries a restart past everything already dealt with.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "bidline/engine/activation_loop.h"
#include "bidline/engine/credential_store.h"
#include "support/platform_receiver.h"
#include "support/scratch_dir.h"

namespace bidline {
namespace {

using test::http_answer;
using test::PlatformReceiver;

// Ad sets 111 and 222 of a Meta account.
const std::string kPage = R"({"adjustments":[
 {"seq":10,"platform":"meta","platform_campaign_id":"111","field":"target_cpa","value":20,"value_micros":20000000},
 {"seq":11,"platform":"meta","platform_campaign_id":"111","field":"daily_budget","value":240,"value_micros":240000000},
 {"seq":12,"platform":"meta","platform_campaign_id":"111","field":"target_cpa","value":21,"value_micros":21000000},
 {"seq":13,"platform":"meta","platform_campaign_id":"not-a-number","field":"daily_budget","value":5,"value_micros":5000000},
 {"seq":14,"platform":"meta","platform_campaign_id":"222","field":"max_cpc","value":0.5,"value_micros":500000}
],"next_since":14,"truncated":false})";
const std::string kEmpty = R"({"adjustments":[],"next_since":14,"truncated":false})";

class ActivationLoopTest : public ::testing::Test {
protected:
    ActivationLoopTest() {
        ::setenv(CredentialKey::kEnv, CredentialKey::generate_hex().c_str(), 1);
        store_.emplace(CredentialStore::open(dir_.path() / "creds.txt", CredentialKey::load(std::nullopt)));
        store_->set("meta", "EAAMetaToken");
        ::unsetenv(CredentialKey::kEnv);
    }

    // One pass against `receiver`; the feed answers kPage after since < 14, then kEmpty.
    ActivationLoop::Pass pass(PlatformReceiver& receiver) {
        ActivationEndpoint e;
        e.port = receiver.port();
        e.max_attempts = 2;
        ActivationSender sender(e, *store_, [](std::chrono::milliseconds) {});
        auto fetch = [this](std::uint64_t since, std::string&) -> std::optional<std::string> {
            fetched_since_.push_back(since);
            return since < 14 ? kPage : kEmpty;
        };
        ActivationLoop loop(feeds::Platform::meta, {}, "meta", dir_.path() / "cursor", sender, fetch,
                            [this](const ActivationReport& r) { reports_.push_back(r); });
        return loop.run_once();
    }

    std::vector<std::pair<std::uint64_t, ActivationResult>> outcomes() const {
        std::vector<std::pair<std::uint64_t, ActivationResult>> out;
        for (const auto& r : reports_) out.emplace_back(r.adjustment.seq, r.result);
        return out;
    }

    test::ScratchDir dir_{"bidline-activation-loop"};
    std::optional<CredentialStore> store_;
    std::vector<std::uint64_t> fetched_since_;
    std::vector<ActivationReport> reports_;
};

TEST_F(ActivationLoopTest, SendsTheNewestValueOfEachFieldAndPassesOverWhatThePlatformCannotTake) {
    PlatformReceiver meta({http_answer(200, {}, R"({"success":true})")});
    const ActivationLoop::Pass p = pass(meta);
    EXPECT_EQ(p.applied, 3);
    EXPECT_EQ(p.superseded, 1);
    EXPECT_EQ(p.unsendable, 1);
    EXPECT_FALSE(p.gave_up);
    using R = ActivationResult;
    EXPECT_EQ(outcomes(), (std::vector<std::pair<std::uint64_t, R>>{
                              {10, R::superseded}, {11, R::applied}, {12, R::applied}, {13, R::unsendable}, {14, R::applied}}));
    const auto got = meta.received();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].body, "daily_budget=24000");  // minor units: $240.00
    EXPECT_EQ(got[1].body, "bid_amount=2100");      // $21, not the superseded $20
    EXPECT_EQ(got[2].body, "bid_amount=50");
    EXPECT_NE(got[2].head.find("POST /v19.0/222 "), std::string::npos) << got[2].head;
    EXPECT_NE(got[0].head.find("Authorization: Bearer EAAMetaToken"), std::string::npos);

    // A restart reads the cursor and sends nothing again.
    reports_.clear();
    fetched_since_.clear();
    const ActivationLoop::Pass again = pass(meta);
    EXPECT_EQ(fetched_since_, std::vector<std::uint64_t>{14});
    EXPECT_TRUE(reports_.empty());
    EXPECT_EQ(again.applied, 0);
    EXPECT_EQ(meta.received().size(), 3u);
}

TEST_F(ActivationLoopTest, AnUndeliveredAdjustmentStopsThePassAndIsSentOnTheNext) {
    {
        PlatformReceiver down({http_answer(503)});
        const ActivationLoop::Pass p = pass(down);
        EXPECT_TRUE(p.gave_up);
        EXPECT_EQ(p.applied, 0);
        EXPECT_EQ(down.received().size(), 2u);  // max_attempts sends of seq 11, nothing after it
        EXPECT_EQ(reports_.back().adjustment.seq, 11u);
        EXPECT_EQ(reports_.back().result, ActivationResult::gave_up);
    }
    reports_.clear();
    PlatformReceiver up({http_answer(200)});
    const ActivationLoop::Pass p = pass(up);
    EXPECT_FALSE(p.gave_up);
    EXPECT_EQ(p.applied, 3);
    ASSERT_EQ(up.received().size(), 3u);
    EXPECT_EQ(up.received()[0].body, "daily_budget=24000");
}

TEST_F(ActivationLoopTest, ARefusedRequestIsReportedAndPassedOver) {
    PlatformReceiver strict({http_answer(400, {}, R"({"error":{"message":"Invalid parameter"}})")});
    const ActivationLoop::Pass p = pass(strict);
    EXPECT_EQ(p.rejected, 3);
    EXPECT_FALSE(p.gave_up);
    EXPECT_EQ(strict.received().size(), 3u);  // once each: a 4xx is never retried
    EXPECT_NE(reports_[1].detail.find("Invalid parameter"), std::string::npos);
}

TEST(AdjustmentsPage, ABodyThatIsNotOneIsAnErrorNamingWhatIsMissing) {
    std::string error;
    EXPECT_FALSE(parse_adjustments_page("<html>", error));
    EXPECT_NE(error.find("not JSON"), std::string::npos);
    EXPECT_FALSE(parse_adjustments_page(R"({"adjustments":[{"seq":1}],"next_since":1})", error));
    EXPECT_NE(error.find("platform_campaign_id"), std::string::npos);
    EXPECT_FALSE(parse_adjustments_page(
        R"({"adjustments":[{"seq":1,"platform":"meta","platform_campaign_id":"1","field":"bid_cap","value_micros":1}],"next_since":1})",
        error));
    EXPECT_NE(error.find("bid_cap"), std::string::npos);
    const auto page = parse_adjustments_page(
        R"({"adjustments":[{"seq":7,"platform":"tiktok","platform_campaign_id":"9","field":"target_roas","value_micros":3500000}],"next_since":7,"truncated":true})",
        error);
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->truncated);
    EXPECT_DOUBLE_EQ(page->adjustments[0].value, 3.5);
}

}  // namespace
}  // namespace bidline
