// Cost of reading one bid request off the wire: parsing a realistic
// `POST /openrtb2/bid` (8 header fields, 1.5 KB JSON body), and inflating the
// same body when the exchange gzips it. Each iteration checks the answer
// against the request it was built from.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "bidline/engine/http_request.h"

namespace {

// An OpenRTB 2.6 banner request of the size exchanges typically send.
std::string openrtb_body() {
    std::string body =
        R"({"id":"8f2c1e7a-4b1d-4c9e-9a51-2f6f0c3d9b10","at":1,"tmax":120,"cur":["USD"],)"
        R"("imp":[{"id":"1","tagid":"homepage-top","bidfloor":0.45,"bidfloorcur":"USD","secure":1,)"
        R"("banner":{"w":300,"h":250,"format":[{"w":300,"h":250},{"w":320,"h":50}],"pos":1}}],)"
        R"("site":{"id":"site-1042","domain":"news.example.com","page":"https://news.example.com/world/2026/markets-rally",)"
        R"("cat":["IAB12"],"publisher":{"id":"pub-77","name":"Example News"}},)"
        R"("device":{"ua":"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",)"
        R"("ip":"203.0.113.17","geo":{"country":"USA","region":"CA","city":"San Francisco","zip":"94107","lat":37.77,"lon":-122.41},)"
        R"("devicetype":4,"make":"Google","model":"Pixel 8","os":"Android","osv":"14","language":"en","connectiontype":2},)"
        R"("user":{"id":"u-5c1d2e","buyeruid":"b-91ab77","ext":{"consent":"CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"}},)"
        R"("regs":{"coppa":0,"ext":{"gdpr":0,"us_privacy":"1YNN"}},)"
        R"("source":{"tid":"c0ffee00-1234-4abc-8def-001122334455","ext":{"schain":{"ver":"1.0","complete":1,)"
        R"("nodes":[{"asi":"exchange.example","sid":"pub-77","hp":1}]}}},)"
        R"("ext":{"prebid":{"debug":false}},"pad":")";
    body.append(1536 - body.size() - 2, 'x');
    body += "\"}";
    return body;
}

std::string bid_request(std::string_view body, std::string_view encoding) {
    std::string r = "POST /openrtb2/bid HTTP/1.1\r\n";
    r += "Host: bidder.example.com\r\n";
    r += "User-Agent: exchange-adapter/3.2\r\n";
    r += "Accept: application/json\r\n";
    r += "Accept-Encoding: gzip\r\n";
    r += "Content-Type: application/json\r\n";
    r += "X-Openrtb-Version: 2.6\r\n";
    r += "Connection: keep-alive\r\n";
    if (!encoding.empty()) r += "Content-Encoding: " + std::string(encoding) + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r += body;
    return r;
}

std::string gzip(std::string_view data) {
    z_stream s{};
    deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&s, data.size()), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

void BM_ParseBidRequest(benchmark::State& state) {
    const std::string body = openrtb_body();
    std::string wire = bid_request(body, "");
    const bidline::HttpLimits limits;
    bidline::HttpRequest request;
    for (auto _ : state) {
        const auto status = bidline::parse_http_request(wire.data(), wire.size(), limits, request);
        benchmark::DoNotOptimize(status);
        benchmark::DoNotOptimize(request);
        if (status != bidline::HttpParseStatus::complete || request.body.size() != body.size() ||
            request.path != "/openrtb2/bid" || request.consumed != wire.size() || request.header_count != 8) {
            state.SkipWithError("wrong parse result");
            break;
        }
    }
    if (request.body != body) state.SkipWithError("body differs from the one sent");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_ParseBidRequest);

void BM_ParseAndInflateGzipBidRequest(benchmark::State& state) {
    const std::string body = openrtb_body();
    const std::string gz = gzip(body);
    std::string wire = bid_request(gz, "gzip");
    const bidline::HttpLimits limits;
    bidline::HttpRequest request;
    bidline::GzipInflater inflater;
    std::vector<char> inflated(limits.max_body_bytes);
    for (auto _ : state) {
        const auto status = bidline::parse_http_request(wire.data(), wire.size(), limits, request);
        const long n = inflater.inflate(request.body, inflated.data(), inflated.size());
        benchmark::DoNotOptimize(inflated.data());
        if (status != bidline::HttpParseStatus::complete || !request.body_gzip || n != static_cast<long>(body.size())) {
            state.SkipWithError("wrong parse or inflate result");
            break;
        }
    }
    if (std::string_view(inflated.data(), body.size()) != body) state.SkipWithError("inflated body differs");
    state.counters["gzip_bytes"] = static_cast<double>(gz.size());
}
BENCHMARK(BM_ParseAndInflateGzipBidRequest);

}  // namespace

BENCHMARK_MAIN();
