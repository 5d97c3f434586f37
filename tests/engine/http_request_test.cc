// HTTP/1.1 request parsing and gzip bodies, as the server sees them: whole
// and split requests, pipelining, every error status, and bodies that
// inflate, fail to inflate, or would inflate without end.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/http_request.h"

namespace bidline {
namespace {

using namespace std::string_view_literals;

// A request buffer of exactly the request's size, so that ASan sees any read
// past the bytes that have arrived.
struct Wire {
    explicit Wire(std::string_view s) : bytes(s.begin(), s.end()) {}
    std::vector<char> bytes;
    HttpParseStatus parse(HttpRequest& out, const HttpLimits& limits = {}) {
        return parse_http_request(bytes.data(), bytes.size(), limits, out);
    }
};

HttpParseStatus parse(std::string_view text, HttpRequest& out, const HttpLimits& limits = {}) {
    static std::vector<Wire> wires;  // the views in `out` point into the wire bytes: keep them
    wires.emplace_back(text);
    return wires.back().parse(out, limits);
}

void expect_same_request(const HttpRequest& a, const HttpRequest& b) {
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.method_text, b.method_text);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.query, b.query);
    EXPECT_EQ(a.version_minor, b.version_minor);
    ASSERT_EQ(a.header_count, b.header_count);
    for (int i = 0; i < a.header_count; ++i) {
        EXPECT_EQ(a.headers[i].name, b.headers[i].name);
        EXPECT_EQ(a.headers[i].value, b.headers[i].value);
    }
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.keep_alive, b.keep_alive);
    EXPECT_EQ(a.body_gzip, b.body_gzip);
    EXPECT_EQ(a.expect_continue, b.expect_continue);
    EXPECT_EQ(a.consumed, b.consumed);
}

std::string gzip(std::string_view data) {
    z_stream s{};
    EXPECT_EQ(deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&s, data.size()), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

// ---------------------------------------------------------------- requests

TEST(HttpRequest, ParsesSimpleGet) {
    HttpRequest r;
    const std::string_view text = "GET /v1/stats?window=60&x=1 HTTP/1.1\r\nHost: bidder\r\nAccept: */*\r\n\r\n";
    ASSERT_EQ(parse(text, r), HttpParseStatus::complete);
    EXPECT_EQ(r.method, HttpMethod::get);
    EXPECT_EQ(r.method_text, "GET");
    EXPECT_EQ(r.target, "/v1/stats?window=60&x=1");
    EXPECT_EQ(r.path, "/v1/stats");
    EXPECT_EQ(r.query, "window=60&x=1");
    EXPECT_EQ(r.version_minor, 1);
    ASSERT_EQ(r.header_count, 2);
    EXPECT_EQ(r.headers[0].name, "Host");
    EXPECT_EQ(r.headers[0].value, "bidder");
    EXPECT_TRUE(r.body.empty());
    EXPECT_TRUE(r.keep_alive);
    EXPECT_TRUE(r.headers_complete);
    EXPECT_EQ(r.consumed, text.size());
}

TEST(HttpRequest, ParsesPostWithContentLength) {
    HttpRequest r;
    const std::string_view text =
        "POST /openrtb2/bid HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
        "Content-Length: 13\r\n\r\n{\"id\":\"abc\"}\n";
    ASSERT_EQ(parse(text, r), HttpParseStatus::complete);
    EXPECT_EQ(r.method, HttpMethod::post);
    EXPECT_EQ(r.path, "/openrtb2/bid");
    EXPECT_TRUE(r.query.empty());
    EXPECT_EQ(r.body, "{\"id\":\"abc\"}\n");
    EXPECT_EQ(r.consumed, text.size());
}

TEST(HttpRequest, TrimsOptionalWhitespaceAroundValues) {
    HttpRequest r;
    ASSERT_EQ(parse("GET / HTTP/1.1\r\nHost:b\r\nX-A: \t spaced out \t\r\nX-Empty:\r\n\r\n", r),
              HttpParseStatus::complete);
    EXPECT_EQ(r.header("host"), "b");
    EXPECT_EQ(r.header("x-a"), "spaced out");
    EXPECT_EQ(r.header("x-empty"), "");
    EXPECT_EQ(r.header_count, 3);
}

TEST(HttpRequest, LooksUpHeadersCaseInsensitively) {
    HttpRequest r;
    ASSERT_EQ(parse("GET / HTTP/1.1\r\nHOST: b\r\nx-OpenRTB-Version: 2.6\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_EQ(r.header("X-OPENRTB-VERSION"), "2.6");
    EXPECT_EQ(r.header("x-openrtb-version"), "2.6");
    EXPECT_EQ(r.header("Host"), "b");
    EXPECT_EQ(r.header("missing"), "");
    EXPECT_EQ(r.header("x-openrtb-versio"), "");
}

TEST(HttpRequest, ParsesTwoPipelinedRequestsFromOneBuffer) {
    Wire wire(
        "POST /openrtb2/bid HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\n\r\nfirst"
        "GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n");
    HttpRequest r;
    ASSERT_EQ(wire.parse(r), HttpParseStatus::complete);
    EXPECT_EQ(r.body, "first");
    const std::size_t first = r.consumed;

    ASSERT_EQ(parse_http_request(wire.bytes.data() + first, wire.bytes.size() - first, {}, r),
              HttpParseStatus::complete);
    EXPECT_EQ(r.method, HttpMethod::get);
    EXPECT_EQ(r.path, "/healthz");
    EXPECT_EQ(first + r.consumed, wire.bytes.size());
}

TEST(HttpRequest, IgnoresEmptyLinesBeforeTheRequestLine) {
    HttpRequest r;
    const std::string_view text = "\r\n\nGET / HTTP/1.1\r\nHost: b\r\n\r\n";
    ASSERT_EQ(parse(text, r), HttpParseStatus::complete);
    EXPECT_EQ(r.path, "/");
    EXPECT_EQ(r.consumed, text.size());
}

TEST(HttpRequest, AcceptsBareLfLineEndings) {
    HttpRequest r;
    const std::string_view text = "POST /x HTTP/1.1\nHost: b\nContent-Length: 2\n\nok";
    ASSERT_EQ(parse(text, r), HttpParseStatus::complete);
    EXPECT_EQ(r.header("content-length"), "2");
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.consumed, text.size());
}

TEST(HttpRequest, AcceptsAbsoluteFormAndAsteriskTargets) {
    HttpRequest r;
    ASSERT_EQ(parse("GET http://bidder:8080/v1/stats?a=b HTTP/1.1\r\nHost: b\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_EQ(r.path, "/v1/stats");
    EXPECT_EQ(r.query, "a=b");
    ASSERT_EQ(parse("GET https://bidder HTTP/1.1\r\nHost: b\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_EQ(r.path, "/");
    ASSERT_EQ(parse("OPTIONS * HTTP/1.1\r\nHost: b\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_EQ(r.path, "*");
}

TEST(HttpRequest, RecognisesMethods) {
    struct Case {
        std::string_view text;
        HttpMethod method;
    };
    const Case cases[] = {{"GET", HttpMethod::get},         {"POST", HttpMethod::post},   {"PUT", HttpMethod::put},
                          {"PATCH", HttpMethod::patch},     {"DELETE", HttpMethod::del},  {"HEAD", HttpMethod::head},
                          {"OPTIONS", HttpMethod::options}, {"PURGE", HttpMethod::other}, {"get", HttpMethod::other}};
    for (const Case& c : cases) {
        HttpRequest r;
        const std::string text = std::string(c.text) + " / HTTP/1.1\r\nHost: b\r\n\r\n";
        ASSERT_EQ(parse(text, r), HttpParseStatus::complete) << c.text;
        EXPECT_EQ(r.method, c.method) << c.text;
        EXPECT_EQ(r.method_text, c.text);
    }
}

// Every split point a TCP stream could produce: incomplete until the last
// byte, then the same request as when it arrives at once.
void expect_incomplete_until_last_byte(std::string_view text) {
    Wire whole(text);
    HttpRequest expected;
    ASSERT_EQ(whole.parse(expected), HttpParseStatus::complete) << text;
    for (std::size_t n = 0; n < text.size(); ++n) {
        Wire prefix(text.substr(0, n));
        HttpRequest r;
        ASSERT_EQ(prefix.parse(r), HttpParseStatus::incomplete) << "after " << n << " bytes";
        // The server re-parses the same (now longer) buffer: the bytes must
        // not have been touched by the incomplete attempt.
        EXPECT_TRUE(std::equal(prefix.bytes.begin(), prefix.bytes.end(), text.begin()));
    }
    Wire again(text);
    HttpRequest r;
    ASSERT_EQ(again.parse(r), HttpParseStatus::complete);
    expect_same_request(r, expected);
}

TEST(HttpRequest, IsIncompleteAtEverySplitOfAContentLengthRequest) {
    expect_incomplete_until_last_byte(
        "POST /openrtb2/bid?src=x HTTP/1.1\r\nHost: bidder\r\nContent-Type: application/json\r\n"
        "Content-Encoding: gzip\r\nContent-Length: 16\r\n\r\n0123456789abcdef");
}

TEST(HttpRequest, IsIncompleteAtEverySplitOfAChunkedRequest) {
    expect_incomplete_until_last_byte(
        "POST /v1/events HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Checksum: 1\r\n\r\n");
}

TEST(HttpRequest, DechunksWithExtensionsAndTrailers) {
    Wire wire(
        "POST /v1/events HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;name=value\r\nhello\r\n"
        "6 ; a=\"quoted;value\" ; b\r\n world\r\n"
        "A\r\n, 0123456\n\r\n"  // LF inside the data is data
        "000\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n"
        "GET /next HTTP/1.1\r\nHost: b\r\n\r\n");
    HttpRequest r;
    ASSERT_EQ(wire.parse(r), HttpParseStatus::complete);
    EXPECT_EQ(r.body, "hello world, 0123456\n");
    EXPECT_EQ(r.header("x-trailer"), "");  // trailers are skipped, not merged

    const std::size_t first = r.consumed;
    ASSERT_EQ(parse_http_request(wire.bytes.data() + first, wire.bytes.size() - first, {}, r),
              HttpParseStatus::complete);
    EXPECT_EQ(r.path, "/next");
}

TEST(HttpRequest, AcceptsAnEmptyChunkedBody) {
    HttpRequest r;
    ASSERT_EQ(parse("POST / HTTP/1.1\nHost: b\nTransfer-Encoding: Chunked\n\n0\n\n", r), HttpParseStatus::complete);
    EXPECT_TRUE(r.body.empty());
}

TEST(HttpRequest, KeepAliveFollowsVersionAndConnectionHeader) {
    struct Case {
        std::string_view request;
        bool keep_alive;
    };
    const Case cases[] = {
        {"GET / HTTP/1.1\r\nHost: b\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: b\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: b\r\nConnection: upgrade\r\n\r\n", true},
        {"GET / HTTP/1.0\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: te, Keep-Alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false},
    };
    for (const Case& c : cases) {
        HttpRequest r;
        ASSERT_EQ(parse(c.request, r), HttpParseStatus::complete) << c.request;
        EXPECT_EQ(r.keep_alive, c.keep_alive) << c.request;
    }
}

TEST(HttpRequest, Http10NeedsNoHost) {
    HttpRequest r;
    ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_EQ(r.version_minor, 0);
}

TEST(HttpRequest, ReportsContentEncoding) {
    HttpRequest r;
    ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: b\r\nContent-Encoding: GZIP\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_TRUE(r.body_gzip);
    EXPECT_FALSE(r.unsupported_encoding);

    ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: b\r\nContent-Encoding: identity\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_FALSE(r.body_gzip);
    EXPECT_FALSE(r.unsupported_encoding);

    for (const std::string_view coding : {"br", "deflate", "gzip, br", "gzip, gzip"}) {
        const std::string text = "POST / HTTP/1.1\r\nHost: b\r\nContent-Encoding: " + std::string(coding) + "\r\n\r\n";
        ASSERT_EQ(parse(text, r), HttpParseStatus::complete) << coding;
        EXPECT_TRUE(r.unsupported_encoding) << coding;
    }
}

TEST(HttpRequest, ReportsExpectContinueOnceHeadersAreIn) {
    HttpRequest r;
    ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: b\r\nExpect: 100-Continue\r\nContent-Length: 10\r\n\r\n", r),
              HttpParseStatus::incomplete);
    EXPECT_TRUE(r.headers_complete);
    EXPECT_TRUE(r.expect_continue);

    ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: b\r\nExpect: 100-continue\r\n", r), HttpParseStatus::incomplete);
    EXPECT_FALSE(r.headers_complete);

    ASSERT_EQ(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", r), HttpParseStatus::complete);
    EXPECT_FALSE(r.expect_continue);  // RFC 9110 §10.1.1: ignored in HTTP/1.0
}

TEST(HttpRequest, AcceptsRepeatedIdenticalContentLength) {
    HttpRequest r;
    ASSERT_EQ(parse("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok", r),
              HttpParseStatus::complete);
    EXPECT_EQ(r.body, "ok");
}

TEST(HttpRequest, AcceptsAHeaderSectionOfExactlyTheLimit) {
    std::string text = "GET / HTTP/1.1\r\nHost: b\r\nX-Pad: ";
    const HttpLimits limits{.max_header_bytes = 256, .max_body_bytes = 16};
    text += std::string(limits.max_header_bytes - text.size() - 4, 'p') + "\r\n\r\n";
    ASSERT_EQ(text.size(), limits.max_header_bytes);
    HttpRequest r;
    EXPECT_EQ(parse(text, r, limits), HttpParseStatus::complete);
}

TEST(HttpRequest, AcceptsExactlyMaxHeaders) {
    std::string text = "GET / HTTP/1.1\r\nHost: b\r\n";
    for (std::size_t i = 1; i < HttpRequest::kMaxHeaders; ++i) text += "X-H" + std::to_string(i) + ": v\r\n";
    text += "\r\n";
    HttpRequest r;
    ASSERT_EQ(parse(text, r), HttpParseStatus::complete);
    EXPECT_EQ(r.header_count, HttpRequest::kMaxHeaders);
    EXPECT_EQ(r.header("x-h47"), "v");
}

// ------------------------------------------------------------------ errors

struct ErrorCase {
    const char* name;
    std::string request;
    std::uint16_t status;
    HttpLimits limits = {};
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

std::vector<ErrorCase> error_cases() {
    std::string many_headers = "GET / HTTP/1.1\r\nHost: b\r\n";
    for (std::size_t i = 0; i < HttpRequest::kMaxHeaders; ++i) many_headers += "X-H: v\r\n";
    many_headers += "\r\n";
    const HttpLimits small{.max_header_bytes = 256, .max_body_bytes = 100};
    return {
        {"garbage_request_line", "GARBAGE\r\n\r\n", 400},
        {"binary_request_line", std::string("\x16\x03\x01\x02\x00\x01"sv), 400},
        {"double_space_in_request_line", "GET  / HTTP/1.1\r\nHost: b\r\n\r\n", 400},
        {"lowercase_http", "GET / http/1.1\r\nHost: b\r\n\r\n", 400},
        {"version_trailing_garbage", "GET / HTTP/1.1x\r\nHost: b\r\n\r\n", 400},
        {"missing_version", "GET /\r\nHost: b\r\n\r\n", 400},
        {"relative_target", "GET index.html HTTP/1.1\r\nHost: b\r\n\r\n", 400},
        {"asterisk_with_get", "GET * HTTP/1.1\r\nHost: b\r\n\r\n", 400},
        {"control_char_in_target", "GET /a\x01 HTTP/1.1\r\nHost: b\r\n\r\n", 400},
        {"bare_cr_in_request_line", "GET / HTTP/1.1\rHost: b\r\n\r\n", 400},
        {"http_2_0", "GET / HTTP/2.0\r\nHost: b\r\n\r\n", 505},
        {"http_0_9", "GET / HTTP/0.9\r\n\r\n", 505},
        {"http_1_2", "GET / HTTP/1.2\r\nHost: b\r\n\r\n", 505},
        {"obs_fold", "GET / HTTP/1.1\r\nHost: b\r\nX-A: one\r\n two\r\n\r\n", 400},
        {"space_before_colon", "GET / HTTP/1.1\r\nHost : b\r\n\r\n", 400},
        {"empty_header_name", "GET / HTTP/1.1\r\nHost: b\r\n: v\r\n\r\n", 400},
        {"no_colon", "GET / HTTP/1.1\r\nHost: b\r\nX-A\r\n\r\n", 400},
        {"bare_cr_in_value", "GET / HTTP/1.1\r\nHost: b\r\nX-A: a\rb\r\n\r\n", 400},
        {"nul_in_value", std::string("GET / HTTP/1.1\r\nHost: b\r\nX-A: a\0b\r\n\r\n"sv), 400},
        {"missing_host", "GET / HTTP/1.1\r\n\r\n", 400},
        {"two_hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"content_length_letters", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: abc\r\n\r\n", 400},
        {"content_length_negative", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: -5\r\n\r\n", 400},
        {"content_length_plus", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: +5\r\n\r\n", 400},
        {"content_length_empty", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length:\r\n\r\n", 400},
        {"content_length_list", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5, 5\r\n\r\nhello", 400},
        {"content_length_conflict", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
         400},
        {"te_and_cl", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"cl_and_te", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
        {"te_in_http_1_0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"te_gzip", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        {"te_gzip_chunked", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"te_twice", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         501},
        {"chunk_size_not_hex", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        {"chunk_size_garbage_after", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", 400},
        {"chunk_data_too_long",
         "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400},
        {"chunk_bad_trailer",
         "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", 400},
        // Content-Length above the limit: 413 from the header alone, no body sent.
        {"content_length_too_large", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 65537\r\n\r\n", 413},
        {"content_length_huge", "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 99999999999999999999999999\r\n\r\n",
         413},
        // One chunk announced above the limit: 413 before its data arrives.
        {"chunk_too_large", "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 413, small},
        {"chunk_size_overflow",
         "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffff\r\n", 413},
        {"chunks_add_up_too_large",
         "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + std::string(50, 'a') + "\r\n33\r\n",
         413, small},
        // Framing can't grow without bound either: max_body + max_header on the wire.
        {"chunk_extension_flood",
         "POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(400, 'e'), 413, small},
        {"too_many_headers", many_headers, 431},
        // No blank line within max_header_bytes: 431 without waiting for more.
        {"header_section_too_large", "GET / HTTP/1.1\r\nHost: b\r\nX-Pad: " + std::string(300, 'p'), 431, small},
        {"request_line_too_long", "GET /" + std::string(300, 'a'), 431, small},
        {"blank_line_past_the_limit", "GET / HTTP/1.1\r\nHost: b\r\nX-Pad: " + std::string(222, 'p') + "\r\n\r\n", 431,
         small},
    };
}

class HttpRequestError : public testing::TestWithParam<ErrorCase> {};

TEST_P(HttpRequestError, AnswersTheRightStatus) {
    const ErrorCase& c = GetParam();
    HttpRequest r;
    ASSERT_EQ(parse(c.request, r, c.limits), HttpParseStatus::error);
    EXPECT_EQ(r.error_status, c.status) << r.error_reason;
    EXPECT_FALSE(r.error_reason.empty());
    EXPECT_FALSE(r.keep_alive);  // framing is lost: the server closes
}

INSTANTIATE_TEST_SUITE_P(Statuses, HttpRequestError, testing::ValuesIn(error_cases()),
                         [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

// ------------------------------------------------------------------- gzip

TEST(GzipInflater, RoundTripsABody) {
    const std::string body =
        R"({"id":"req-1","imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"x.com"}})";
    const std::string gz = gzip(body);
    GzipInflater inflater;
    std::vector<char> out(std::size_t{64} * 1024);
    const long n = inflater.inflate(gz, out.data(), out.size());
    ASSERT_EQ(n, static_cast<long>(body.size()));
    EXPECT_EQ(std::string_view(out.data(), static_cast<std::size_t>(n)), body);
}

TEST(GzipInflater, InflatesABodyThatFillsTheCapExactly) {
    const std::string body(1000, 'x');
    const std::string gz = gzip(body);
    GzipInflater inflater;
    std::vector<char> out(body.size());
    EXPECT_EQ(inflater.inflate(gz, out.data(), body.size()), 1000);
    EXPECT_EQ(inflater.inflate(gz, out.data(), body.size() - 1), -2);
}

TEST(GzipInflater, InflatesAnEmptyBody) {
    GzipInflater inflater;
    char out[1];
    EXPECT_EQ(inflater.inflate(gzip(""), out, 0), 0);
    EXPECT_EQ(inflater.inflate(gzip(""), nullptr, 0), 0);
}

TEST(GzipInflater, InflatesConcatenatedMembers) {
    const std::string gz = gzip("hello, ") + gzip("world");
    GzipInflater inflater;
    char out[64];
    const long n = inflater.inflate(gz, out, sizeof out);
    ASSERT_EQ(n, 12);
    EXPECT_EQ(std::string_view(out, 12), "hello, world");
}

TEST(GzipInflater, RejectsInvalidAndTruncatedInput) {
    GzipInflater inflater;
    char out[4096];
    EXPECT_EQ(inflater.inflate("", out, sizeof out), -1);
    EXPECT_EQ(inflater.inflate("{\"id\":\"plain json\"}", out, sizeof out), -1);
    const std::string gz = gzip(std::string(2000, 'a') + "tail");
    EXPECT_EQ(inflater.inflate(std::string_view(gz).substr(0, gz.size() - 1), out, sizeof out), -1);
    EXPECT_EQ(inflater.inflate(std::string_view(gz).substr(0, gz.size() / 2), out, sizeof out), -1);
    std::string corrupt = gz;
    corrupt[gz.size() - 6] ^= 0x55;  // CRC32 of the trailer
    EXPECT_EQ(inflater.inflate(corrupt, out, sizeof out), -1);
    EXPECT_EQ(inflater.inflate(gz + "junk", out, sizeof out), -1);
    // A zlib (not gzip) stream is refused: Content-Encoding said gzip.
    EXPECT_EQ(inflater.inflate(std::string_view("\x78\x9c\x03\x00\x00\x00\x00\x01", 8), out, sizeof out), -1);
}

TEST(GzipInflater, StopsABombAtTheCap) {
    // 50 MB of zeros is ~50 KB of gzip; 100 members of it claim 5 GB. Inflating
    // all of it takes seconds, stopping at the cap takes microseconds.
    const std::string member = gzip(std::string(50u << 20, '\0'));
    std::string bomb;
    for (int i = 0; i < 100; ++i) bomb += member;

    GzipInflater inflater;
    std::vector<char> out(std::size_t{64} * 1024);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(inflater.inflate(bomb, out.data(), out.size()), -2);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::milliseconds(250));
}

TEST(GzipInflater, IsReusableForManyBodies) {
    GzipInflater inflater;
    std::vector<char> out(4096);
    for (int i = 0; i < 2000; ++i) {
        const std::string body = "{\"id\":\"req-" + std::to_string(i) + "\"," + std::string(i % 97, ' ') + "}";
        const std::string gz = gzip(body);
        if (i % 3 == 0) {
            // A failure (garbage, truncation, bomb) must not poison the next body.
            EXPECT_EQ(inflater.inflate(std::string_view(gz).substr(0, gz.size() - 3), out.data(), out.size()), -1);
            EXPECT_EQ(inflater.inflate(gz, out.data(), 3), -2);
        }
        const long n = inflater.inflate(gz, out.data(), out.size());
        ASSERT_EQ(n, static_cast<long>(body.size())) << i;
        ASSERT_EQ(std::string_view(out.data(), static_cast<std::size_t>(n)), body) << i;
    }
}

TEST(GzipInflater, InflatesAParsedGzipBody) {
    const std::string json = R"({"id":"r","imp":[{"id":"1"}]})";
    const std::string request = "POST /openrtb2/bid HTTP/1.1\r\nHost: b\r\nContent-Encoding: gzip\r\nContent-Length: " +
                                std::to_string(gzip(json).size()) + "\r\n\r\n" + gzip(json);
    HttpRequest r;
    ASSERT_EQ(parse(request, r), HttpParseStatus::complete);
    ASSERT_TRUE(r.body_gzip);
    GzipInflater inflater;
    char out[256];
    const long n = inflater.inflate(r.body, out, sizeof out);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string_view(out, static_cast<std::size_t>(n)), json);
}

}  // namespace
}  // namespace bidline
