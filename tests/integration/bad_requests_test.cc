// What an exchange or an attacker can throw at the bid endpoint: broken JSON,
// wrong types, oversized and compressed bodies, broken HTTP. Each must get a
// 4xx that says what was wrong — never a 5xx, a hang, or a dead engine: after
// every test the engine must still answer /healthz on a new connection.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"

namespace bidline::test {
namespace {

constexpr std::size_t kBodyLimit = std::size_t{64} << 10;  // the engine's default
const HeaderList kJson = {{"Content-Type", "application/json"}};

std::string simple_banner() { return read_file(simple_banner_request_file()); }

bool is_json_error_body(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view error;
    return !parser.parse(body).get(root) && !root["error"].get_string().get(error) && !error.empty();
}

// The parts of a bid answer that must not depend on how the body travelled
// (bid ids and prices may legitimately vary from one request to the next).
std::string answer_shape(const HttpResponse& r) {
    std::string shape = std::to_string(r.status);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (r.status != 200 || parser.parse(r.body).get(root)) return shape;
    std::string_view id;
    if (!root["id"].get_string().get(id)) shape += " id=" + std::string(id);
    std::set<std::string> bids;  // sorted: the order of seats is not part of the answer
    simdjson::dom::array seatbids;
    if (!root["seatbid"].get_array().get(seatbids))
        for (simdjson::dom::element seatbid : seatbids) {
            simdjson::dom::array list;
            if (seatbid["bid"].get_array().get(list)) continue;
            for (simdjson::dom::element bid : list) {
                std::string_view impid, crid;
                if (bid["impid"].get_string().get(impid)) impid = "<none>";
                if (bid["crid"].get_string().get(crid)) crid = "<none>";
                bids.insert(std::string(impid) + "/" + std::string(crid));
            }
        }
    for (const auto& b : bids) shape += " bid=" + b;
    return shape;
}

class BadRequests : public ::testing::Test {
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
    }
    void SetUp() override {
        if (!engine_) GTEST_FAIL() << "engine did not start: " << start_error_;
        client_ = std::make_unique<HttpClient>(engine_->host(), engine_->port());
    }
    // The point of the whole suite: no input takes the engine down.
    void TearDown() override {
        if (!engine_) return;
        client_.reset();
        try {
            HttpClient fresh(engine_->host(), engine_->port());
            EXPECT_EQ(fresh.request("GET", "/healthz").status, 200) << "engine unhealthy after this test";
        } catch (const HttpError& e) {
            ADD_FAILURE() << "engine stopped answering after this test: " << e.what();
        }
        if (HasFailure()) std::cout << engine_->describe() << '\n';
    }

    HttpResponse post_bid(std::string_view body, const HeaderList& headers = kJson) {
        return client_->post_bid(body, headers);
    }

    static std::unique_ptr<EngineProcess> engine_;
    static std::string start_error_;
    std::unique_ptr<HttpClient> client_;
};

std::unique_ptr<EngineProcess> BadRequests::engine_;
std::string BadRequests::start_error_;

TEST_F(BadRequests, TruncatedJsonIs400WithJsonError) {
    const std::string whole = simple_banner();
    auto r = post_bid(std::string_view(whole).substr(0, whole.size() / 2));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_json_error_body(r.body)) << r.body;
}

TEST_F(BadRequests, NonJsonGarbageIs400) {
    auto r = post_bid("\x01\x02 this is not json at all }{");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_json_error_body(r.body)) << r.body;
}

TEST_F(BadRequests, ImpOfWrongTypeIs400) {
    auto r = post_bid(R"({"id":"x","imp":"nope"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_json_error_body(r.body)) << r.body;
}

TEST_F(BadRequests, EmptyBodyIs400) {
    auto r = post_bid("");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_json_error_body(r.body)) << r.body;
}

TEST_F(BadRequests, BodyOverTheLimitIs413) {
    // Valid JSON all the same, so only the size can be the reason.
    std::string body = R"({"id":"big","imp":[{"id":"1","banner":{"w":300,"h":250}}],"ext":{"pad":")";
    body.append(kBodyLimit + 1024, 'x').append("\"}}");
    auto r = post_bid(body);
    EXPECT_EQ(r.status, 413) << r.body;
}

TEST_F(BadRequests, GzipBodyGetsTheSameAnswerAsPlain) {
    const std::string plain = simple_banner();
    auto expected = post_bid(plain);
    auto zipped = post_bid(gzip_compress(plain), {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
    EXPECT_EQ(answer_shape(zipped), answer_shape(expected)) << "plain: " << expected.body << "\ngzip: " << zipped.body;
}

TEST_F(BadRequests, GzipBombIs413) {
    // 10 MB of zeros packs into ~10 KB: small on the wire, far over the limit inflated.
    const std::string bomb = gzip_compress(std::string(std::size_t{10} << 20, '\0'));
    ASSERT_LT(bomb.size(), kBodyLimit);
    auto r = post_bid(bomb, {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
    EXPECT_EQ(r.status, 413) << r.body;
}

TEST_F(BadRequests, UnsupportedContentEncodingIs415) {
    auto r = post_bid(simple_banner(), {{"Content-Type", "application/json"}, {"Content-Encoding", "zstd"}});
    EXPECT_EQ(r.status, 415) << r.body;
}

TEST_F(BadRequests, MalformedRequestLineIs400) {
    client_->connect();
    client_->send_raw("THIS IS NOT HTTP\r\n\r\n");
    auto r = client_->read_response();
    EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(BadRequests, UnknownPathIs404) {
    auto r = client_->request("GET", "/no/such/thing");
    EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(BadRequests, HealthzIs200) { EXPECT_EQ(client_->request("GET", "/healthz").status, 200); }

TEST_F(BadRequests, PipelinedRequestsAreAnsweredInOrder) {
    // Different statuses make the order visible: a bid first, then a 404.
    const std::string body = simple_banner();
    const std::string both =
        "POST /openrtb2/bid HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body + "GET /no/such/thing HTTP/1.1\r\nHost: t\r\n\r\n";
    client_->connect();
    client_->send_raw(both);
    auto first = client_->read_response();
    auto second = client_->read_response();
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(second.status, 404) << second.body;
}

// Its own engine, so "survives everything, then exits cleanly" holds even
// when ctest runs each test in a separate process.
TEST(EngineLifecycle, SurvivesBadInputThenExitsZeroOnSigterm) {
    EngineProcess engine({"serve", "--shards", "2"});
    {
        HttpClient client(engine.host(), engine.port());
        const std::string whole = simple_banner();
        EXPECT_EQ(client.post_bid(whole.substr(0, whole.size() / 2), kJson).status, 400);
        EXPECT_EQ(client.post_bid(R"({"id":"x","imp":"nope"})", kJson).status, 400);
        const HeaderList gzip = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}};
        EXPECT_EQ(client.post_bid(gzip_compress(std::string(10 << 20, '\0')), gzip).status, 413);
        client.close();
        client.connect();
        client.send_raw("THIS IS NOT HTTP\r\n\r\n");
        EXPECT_EQ(client.read_response().status, 400);
        client.close();
        EXPECT_EQ(client.request("GET", "/healthz").status, 200);
    }
    const auto start = std::chrono::steady_clock::now();
    auto status = engine.stop(std::chrono::seconds(2));
    ASSERT_TRUE(status) << "no exit within 2 s of SIGTERM\n" << engine.describe();
    EXPECT_TRUE(status->clean()) << status->describe() << "\n" << engine.describe();
    std::cout << "exit after SIGTERM took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
              << " ms\n";
}

}  // namespace
}  // namespace bidline::test
