// Cost of reading one bid request off the wire: parsing a realistic
// `POST /openrtb2/bid` (8 header fields, 1.5 KB JSON body), and inflating the
// same body when the exchange gzips it. Each iteration checks the answer
// against the request it was built from.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "bidline/engine/http_request.h"
#include "bidline/engine/synthetic_catalog.h"

namespace {

// The same realistic 1.5 KB OpenRTB 2.6 request the bid-path benchmark uses.
std::string openrtb_body() { return bidline::synthetic_bid_request(); }

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
