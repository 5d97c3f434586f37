// Every BidRequest we have from the outside world — the OpenRTB spec's
// examples and Prebid Server's adapter fixtures — goes to the real binary
// over HTTP. An exchange must get a bid that obeys OpenRTB 2.x, a no-bid,
// or (only for requests that really break the spec, listed below with the
// rule) a 400. Never a 5xx, never silence.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"

namespace bidline::test {
namespace {

// Requests the engine must reject with 400, each with the rule it breaks.
// Each 2.x example listed has a `fixed__` twin in the corpus that corrects
// exactly this and is answered 200/204. Keep the table honest: a file listed
// here that is not answered 400 fails the test too.
struct ExpectedRejection {
    std::string_view file;
    std::string_view rule;
};
constexpr std::string_view kImpNeedsId = "imp.id is required (2.5 §3.2.4); the 1.0 example names it `impid`";
constexpr std::string_view kProtocolIsInt = "video.protocol is an integer in 2.0-2.2; the example sends an array";
constexpr std::string_view kCatIsArray = "site.cat is an array of strings; the example sends a string";
constexpr std::string_view kSiteXorApp = "a request must not contain both site and app (2.5 §3.2.13, §3.2.14)";
constexpr ExpectedRejection kRejected[] = {
    {"v1_0__bid_requests__full_bid_request_app.json", kImpNeedsId},
    {"v1_0__bid_requests__full_bid_request_site.json", kImpNeedsId},
    {"v2_0__bid_requests__example4_video.json", kProtocolIsInt},
    {"v2_1__bid_requests__example4_video.json", kProtocolIsInt},
    {"v2_2__bid_requests__example4_video.json", kProtocolIsInt},
    {"v2_2__bid_requests__example1_simple_banner.json", kCatIsArray},
    {"v2_2__bid_requests__example2_expandable_creative.json", kCatIsArray},
    {"v2_2__bid_requests__example5_pmp_with_direct_deal.json", kCatIsArray},
    {"v2_2__bid_requests__example3_mobile.json", "user.yob is an integer; the example sends the string \"1984\""},
    {"adgeneration__exemplary__single-banner-android__mockBidRequest.json", kSiteXorApp},
    {"mediasquare__exemplary__multi-format__mockBidRequest.json", kSiteXorApp},
    {"silverpush__exemplary__banner-without-w-h__expectedRequest.json", kSiteXorApp},
    {"smartadserver__exemplary__native-app__expectedRequest.json", kSiteXorApp},
    {"visiblemeasures__supplemental__bad_media_type__expectedRequest.json",
     "an imp must offer banner, video, audio or native (2.5 schema imp.anyOf); this one has none"},
};

std::optional<std::string_view> rejection_rule(const std::filesystem::path& file) {
    for (const auto& r : kRejected)
        if (file.filename() == r.file) return r.rule;
    return std::nullopt;
}

// What a response is checked against, read from the request we sent.
struct ImpFloor {
    double floor = 0;
    bool floor_in_usd = true;  // bidfloorcur absent means USD (§3.2.4)
};
struct RequestFacts {
    std::string id;
    std::map<std::string, ImpFloor, std::less<>> imps;
    std::vector<std::string> currencies;  // request `cur`; empty means USD only
};

std::optional<RequestFacts> facts_of(const std::string& request_json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(request_json).get(root)) return std::nullopt;
    RequestFacts facts;
    std::string_view id;
    if (root["id"].get_string().get(id)) return std::nullopt;
    facts.id = id;
    simdjson::dom::array imps;
    if (!root["imp"].get_array().get(imps)) {
        for (simdjson::dom::element imp : imps) {
            std::string_view imp_id;
            if (imp["id"].get_string().get(imp_id)) continue;
            ImpFloor floor;
            double value;
            if (!imp["bidfloor"].get_double().get(value)) floor.floor = value;
            std::string_view cur;
            if (!imp["bidfloorcur"].get_string().get(cur)) floor.floor_in_usd = cur == "USD";
            facts.imps.emplace(std::string(imp_id), floor);
        }
    }
    simdjson::dom::array curs;
    if (!root["cur"].get_array().get(curs))
        for (simdjson::dom::element c : curs) {
            std::string_view code;
            if (!c.get_string().get(code)) facts.currencies.emplace_back(code);
        }
    return facts;
}

// One bid's violations of the OpenRTB 2.x §4.3.3 rules we promise to keep.
void check_bid(simdjson::dom::element bid, const RequestFacts& req, bool price_in_usd, std::vector<std::string>& out) {
    std::string_view text;
    if (bid["id"].get_string().get(text) || text.empty()) out.push_back("bid without a string `id`");
    std::string_view impid;
    const ImpFloor* imp = nullptr;
    if (bid["impid"].get_string().get(impid)) {
        out.push_back("bid without a string `impid`");
    } else if (auto it = req.imps.find(impid); it == req.imps.end()) {
        out.push_back("bid.impid '" + std::string(impid) + "' names no imp of the request");
    } else {
        imp = &it->second;
    }
    double price = 0;
    if (bid["price"].get_double().get(price)) {
        out.push_back("bid without a numeric `price`");
    } else if (!(price > 0)) {
        out.push_back("bid.price " + std::to_string(price) + " is not > 0");
    } else if (imp && imp->floor_in_usd && price_in_usd && price + 1e-9 < imp->floor) {
        out.push_back("bid.price " + std::to_string(price) + " is below the imp's bidfloor " +
                      std::to_string(imp->floor));
    }
    const bool has_adm = !bid["adm"].get_string().get(text);
    const bool has_nurl = !bid["nurl"].get_string().get(text);
    if (!has_adm && !has_nurl) out.push_back("bid has neither `adm` nor `nurl`");
    if (bid["crid"].get_string().get(text) || text.empty()) out.push_back("bid without a string `crid`");
    simdjson::dom::element adomain;
    if (!bid["adomain"].get(adomain) && !adomain.is_array()) out.push_back("bid.adomain is not an array");
}

std::vector<std::string> response_violations(const std::string& body, const RequestFacts& req) {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(body).get(root))
        return {"body is not JSON: " + std::string(simdjson::error_message(err))};
    if (!root.is_object()) return {"body is not a JSON object"};
    std::string_view id;
    if (root["id"].get_string().get(id)) {
        out.push_back("response without a string `id`");
    } else if (id != req.id) {
        out.push_back("response id '" + std::string(id) + "' != request id '" + req.id + "'");
    }
    bool price_in_usd = true;
    std::string_view cur;
    if (!root["cur"].get_string().get(cur)) {
        price_in_usd = cur == "USD";
        const bool allowed = req.currencies.empty()
                                 ? cur == "USD"
                                 : std::find(req.currencies.begin(), req.currencies.end(), cur) != req.currencies.end();
        if (!allowed) out.push_back("response cur '" + std::string(cur) + "' is not one the request allows");
    }
    simdjson::dom::array seatbids;
    if (root["seatbid"].get_array().get(seatbids) || seatbids.size() == 0) {
        out.push_back("a 200 needs a non-empty `seatbid` array (a no-bid is a 204)");
        return out;
    }
    for (simdjson::dom::element seatbid : seatbids) {
        simdjson::dom::array bids;
        if (seatbid["bid"].get_array().get(bids) || bids.size() == 0) {
            out.push_back("seatbid without a non-empty `bid` array");
            continue;
        }
        for (simdjson::dom::element bid : bids) check_bid(bid, req, price_in_usd, out);
    }
    return out;
}

bool is_json_error_body(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view error;
    return !parser.parse(body).get(root) && !root["error"].get_string().get(error) && !error.empty();
}

struct Outcome {
    std::filesystem::path file;
    int status = 0;  // 0: no HTTP answer at all (see transport_error)
    std::string body;
    std::string transport_error;
};

// Posts each file on one keep-alive connection. After a few transport
// failures in a row the engine is presumed dead: the rest are not sent, so a
// hung engine costs seconds, not (files x timeout).
std::vector<Outcome> post_all(EngineProcess& engine, const std::vector<std::filesystem::path>& files) {
    constexpr int kMaxConsecutiveFailures = 3;
    HttpClient client(engine.host(), engine.port());
    std::vector<Outcome> outcomes;
    int failures_in_a_row = 0;
    for (const auto& file : files) {
        Outcome o{file};
        if (failures_in_a_row >= kMaxConsecutiveFailures) {
            o.transport_error = "not sent: the engine stopped answering";
        } else {
            try {
                auto r =
                    client.post_bid(read_file(file), {{"Content-Type", "application/json"}});
                o.status = r.status;
                o.body = std::move(r.body);
                failures_in_a_row = 0;
            } catch (const HttpError& e) {
                o.transport_error = e.what();
                client.close();
                ++failures_in_a_row;
            }
        }
        outcomes.push_back(std::move(o));
    }
    return outcomes;
}

// One engine for the suite; each folder is posted once per process and the
// answers are shared by the tests that check them and the one that counts
// them. The engine paces its leases, so a second burst of the same corpus
// would be answered with more no-bids: counting the first one keeps the
// totals comparable between a full run and ctest's one-test-per-process.
class OpenRtbCorpus : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            engine_ = std::make_unique<EngineProcess>(std::vector<std::string>{"serve", "--shards", "2"});
        } catch (const std::exception& e) {
            start_error_ = e.what();
        }
    }
    static void TearDownTestSuite() {
        if (engine_) engine_->stop();
        engine_.reset();
        spec_outcomes_.reset();
        prebid_outcomes_.reset();
    }
    void SetUp() override {
        if (!engine_) GTEST_FAIL() << "engine did not start: " << start_error_;
    }
    void TearDown() override {
        if (HasFailure() && engine_) std::cout << engine_->describe() << '\n';
    }

    static const std::vector<Outcome>& spec_outcomes() {
        if (!spec_outcomes_) spec_outcomes_ = post_all(*engine_, openrtb_request_files());
        return *spec_outcomes_;
    }
    static const std::vector<Outcome>& prebid_outcomes() {
        if (!prebid_outcomes_) prebid_outcomes_ = post_all(*engine_, prebid_request_files());
        return *prebid_outcomes_;
    }

    // Checks each outcome against the rules in the header comment.
    static void expect_conforming(const std::vector<Outcome>& outcomes) {
        for (const auto& o : outcomes) {
            SCOPED_TRACE(o.file.filename().string());
            const auto rule = rejection_rule(o.file);
            if (o.status == 0) {
                ADD_FAILURE() << "no HTTP answer: " << o.transport_error;
                continue;
            }
            if (rule) {
                EXPECT_EQ(o.status, 400) << "listed as breaking '" << *rule << "' but got " << o.status << ": "
                                         << o.body;
                EXPECT_TRUE(is_json_error_body(o.body)) << "400 body is not {\"error\": ...}: " << o.body;
                continue;
            }
            if (o.status == 204) {
                EXPECT_TRUE(o.body.empty()) << "204 with a body: " << o.body;
            } else if (o.status == 200) {
                auto facts = facts_of(read_file(o.file));
                ASSERT_TRUE(facts) << "fixture has no string id";
                for (const auto& v : response_violations(o.body, *facts))
                    ADD_FAILURE() << v << "\nresponse: " << o.body;
            } else {
                ADD_FAILURE() << "status " << o.status << " (only 200, 204, or a listed 400 are allowed): " << o.body;
            }
        }
    }

    static std::unique_ptr<EngineProcess> engine_;
    static std::string start_error_;
    static std::optional<std::vector<Outcome>> spec_outcomes_;
    static std::optional<std::vector<Outcome>> prebid_outcomes_;
};

std::unique_ptr<EngineProcess> OpenRtbCorpus::engine_;
std::string OpenRtbCorpus::start_error_;
std::optional<std::vector<Outcome>> OpenRtbCorpus::spec_outcomes_;
std::optional<std::vector<Outcome>> OpenRtbCorpus::prebid_outcomes_;

// These two come first (gtest keeps file order), before the corpus burst has
// drawn down the demo line items' pacing leases.
TEST_F(OpenRtbCorpus, SimpleBannerExampleOf26GetsABid) {
    HttpClient client(engine_->host(), engine_->port());
    const std::string request = read_file(simple_banner_request_file());
    auto r = client.post_bid(request, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto facts = facts_of(request);
    ASSERT_TRUE(facts);
    for (const auto& v : response_violations(r.body, *facts)) ADD_FAILURE() << v << "\nresponse: " << r.body;
}

TEST_F(OpenRtbCorpus, EchoesTheOpenRtbVersionHeader) {
    HttpClient client(engine_->host(), engine_->port());
    auto r = client.post_bid(read_file(simple_banner_request_file()),
                            {{"Content-Type", "application/json"}, {"X-OpenRTB-Version", "2.6"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("x-openrtb-version").value_or("<absent>"), "2.6");
}

TEST_F(OpenRtbCorpus, SpecExampleRequestsGetConformingAnswers) { expect_conforming(spec_outcomes()); }

TEST_F(OpenRtbCorpus, PrebidRequestsGetConformingAnswers) { expect_conforming(prebid_outcomes()); }

TEST_F(OpenRtbCorpus, EveryListedRejectionNamesARealFixture) {
    const auto files = openrtb_request_files();
    const auto prebid = prebid_request_files();
    for (const auto& r : kRejected) {
        const auto named = [&](const std::filesystem::path& p) { return p.filename() == r.file; };
        EXPECT_TRUE(std::any_of(files.begin(), files.end(), named) || std::any_of(prebid.begin(), prebid.end(), named))
            << r.file;
    }
}

TEST_F(OpenRtbCorpus, ReportsStatusTotalsOverTheCorpus) {
    std::map<int, int> by_status;  // 0 counts requests that got no HTTP answer
    std::size_t requests = 0;
    for (const auto* outcomes : {&spec_outcomes(), &prebid_outcomes()}) {
        for (const auto& o : *outcomes) ++by_status[o.status];
        requests += outcomes->size();
    }
    const int other = static_cast<int>(requests) - by_status[200] - by_status[204] - by_status[400];
    RecordProperty("requests", static_cast<int>(requests));
    RecordProperty("status_200", by_status[200]);
    RecordProperty("status_204", by_status[204]);
    RecordProperty("status_400", by_status[400]);
    RecordProperty("status_other", other);
    std::printf("bidline corpus: %zu requests: 200=%d 204=%d 400=%d other=%d\n", requests, by_status[200],
                by_status[204], by_status[400], other);
    std::fflush(stdout);
    EXPECT_EQ(other, 0) << "see the conformance tests for which files";
}

}  // namespace
}  // namespace bidline::test
