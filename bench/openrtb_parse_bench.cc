// OpenRTB request parsing on a realistic ~1.5 KB Prebid-style request (site,
// device with geo, user with eids, two banner imps, GDPR at regs.ext, a
// supply chain), next to a same-run baseline: simdjson's DOM parse of the
// same bytes with no field extraction at all. Every run checks the parsed
// values and exits non-zero if they are wrong.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "bidline/engine/openrtb_parser.h"

namespace {

// Written readable; minified at start-up, as exchanges send it (~1.6 KB).
constexpr std::string_view kPrettyRequest = R"({
  "id": "8f0e5a6c-2b1d-4e7f-9a3c-51d2e6b7c801",
  "imp": [
    {
      "id": "1",
      "tagid": "homepage-top",
      "secure": 1,
      "bidfloor": 0.45,
      "bidfloorcur": "USD",
      "banner": {"format": [{"w": 300, "h": 250}, {"w": 300, "h": 600}], "pos": 1},
      "ext": {"gpid": "/1234/home/top", "prebid": {"bidder": {"bidline": {"placement": 17}}}}
    },
    {
      "id": "2",
      "tagid": "homepage-leaderboard",
      "secure": 1,
      "bidfloor": 0.3,
      "banner": {"w": 728, "h": 90, "pos": 3}
    }
  ],
  "site": {
    "id": "site-4021",
    "domain": "news.example.com",
    "page": "https://news.example.com/world/2026/11/a-long-article-slug-about-something.html",
    "ref": "https://www.search.example/",
    "cat": ["IAB12", "IAB12-2"],
    "publisher": {"id": "pub-77", "name": "Example News", "domain": "example.com"}
  },
  "device": {
    "ua": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "ip": "203.0.113.42",
    "geo": {"country": "DEU", "region": "BE", "city": "Berlin", "zip": "10115", "lat": 52.532, "lon": 13.384, "type": 2, "utcoffset": 60},
    "devicetype": 2,
    "os": "Windows",
    "osv": "10",
    "language": "de",
    "dnt": 0,
    "w": 1920,
    "h": 1080
  },
  "user": {
    "id": "u-3c9d7f21",
    "buyeruid": "bl-9e8d7c6b5a",
    "ext": {
      "consent": "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA.YAAAAAAAAAAA",
      "eids": [
        {"source": "id5-sync.com", "uids": [{"id": "ID5*abcdefghijklmnop", "atype": 1}]},
        {"source": "pubcid.org", "uids": [{"id": "6a1e5b4c-0000-4a3b-9c2d-7e6f5a4b3c2d", "atype": 1}]}
      ]
    }
  },
  "regs": {"ext": {"gdpr": 1}},
  "source": {
    "tid": "c0ffee00-1234-4abc-8def-0123456789ab",
    "ext": {"schain": {"ver": "1.0", "complete": 1, "nodes": [
      {"asi": "exchange.example", "sid": "pub-77", "hp": 1},
      {"asi": "reseller.example", "sid": "r-555", "hp": 1}
    ]}}
  },
  "at": 1,
  "tmax": 120,
  "cur": ["USD"],
  "bcat": ["IAB25", "IAB26"],
  "badv": ["blocked.example"]
})";

std::string minified(std::string_view json) {
    std::string out(json.size(), '\0');
    std::size_t len = 0;
    if (simdjson::minify(json.data(), json.size(), out.data(), len) != simdjson::SUCCESS) return {};
    out.resize(len);
    return out;
}

const std::string kRequest = minified(kPrettyRequest);

bool g_wrong_answer = false;

// The values the bid path relies on; checked before timing and after.
bool answer_is_right(const bidline::OpenRtbError& error, const bidline::BidRequestView& r) {
    return !error && r.imps.size() == 2 && r.imps.items[0].banner.formats.size() == 2 &&
           r.imps.items[1].banner.w == 728 && r.site.domain == "news.example.com" && r.device.geo.country == "DEU" &&
           r.user.eids == 2 && r.regs.gdpr == std::optional<bool>(true) && r.source.schain_nodes == 2 &&
           r.tmax_ms == 120;
}

void fail(benchmark::State& state, const char* what) {
    g_wrong_answer = true;
    state.SkipWithError(what);
}

void BM_OpenRtbParse(benchmark::State& state) {
    bidline::OpenRtbParser parser;
    bidline::BidRequestView request;
    bidline::OpenRtbError error = parser.parse(kRequest, request);
    if (!answer_is_right(error, request)) return fail(state, "parse gave wrong values");
    for (auto _ : state) {
        error = parser.parse(kRequest, request);
        benchmark::DoNotOptimize(request);
    }
    if (!answer_is_right(error, request)) return fail(state, "parse gave wrong values after the timed loop");
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRequest.size()));
    state.counters["request_bytes"] = static_cast<double>(kRequest.size());
}
BENCHMARK(BM_OpenRtbParse);

// Baseline: a full DOM parse of the same bytes, extracting nothing.
void BM_SimdjsonDomBaseline(benchmark::State& state) {
    simdjson::dom::parser parser;
    simdjson::padded_string json(kRequest.data(), kRequest.size());
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) return fail(state, "DOM parse failed");
    for (auto _ : state) {
        auto result = parser.parse(json);
        benchmark::DoNotOptimize(result);
    }
    std::string_view id;
    if (parser.parse(json).get(root) != simdjson::SUCCESS || root["id"].get_string().get(id) != simdjson::SUCCESS ||
        id != "8f0e5a6c-2b1d-4e7f-9a3c-51d2e6b7c801")
        return fail(state, "DOM parse gave wrong values");
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRequest.size()));
}
BENCHMARK(BM_SimdjsonDomBaseline);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_wrong_answer) std::fprintf(stderr, "openrtb_parse_bench: wrong answer\n");
    return g_wrong_answer ? 1 : 0;
}
