// POST /v1/events throughput: NDJSON parse + validate + flatbuffer encode on
// a realistic batch (10k events: wins, impressions, losses, clicks,
// conversions with UUID ids, RFC 3339 and millisecond timestamps), next to
// parse + validate alone. Target context: /v1/events ≥ 200k events/s end to
// end and the binary stream ≥ 500k/s, so parse + encode must stay well
// under 1 µs per event. The batch's parsed prices and values are checked
// against the generator's before any timing; a wrong answer exits non-zero.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_line_parser.h"

namespace {

using bidline::feeds::BatchCounts;
using bidline::feeds::Event;
using bidline::feeds::EventLineParser;
using bidline::feeds::FeedError;

struct Batch {
    std::string body;
    int events = 0;
    std::int64_t price_micros = 0;  // the reference sum the parser must reproduce
    std::int64_t value_micros = 0;
};

std::string uuid(std::mt19937_64& rng) {
    char s[37];
    const std::uint64_t a = rng(), b = rng();
    std::snprintf(s, sizeof s, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                  static_cast<unsigned>(b >> 48) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return s;
}

Batch make_batch(int n) {
    std::mt19937_64 rng(42);
    Batch batch;
    char line[512];
    for (int i = 0; i < n; ++i) {
        const std::string id = uuid(rng), bid = uuid(rng), request = uuid(rng);
        const int li = static_cast<int>(rng() % 40);
        const long long ts_ms = 1795400000000LL + i * 7;
        const int cents = static_cast<int>(rng() % 900) + 50;  // CPM 0.50 – 9.49
        const int roll = static_cast<int>(rng() % 100);
        if (roll < 40) {
            std::snprintf(line, sizeof line,
                          R"({"type":"win","event_id":"%s","request_id":"%s","imp_id":"1","bid_id":"%s",)"
                          R"("line_item":"li-%d","creative":"cr-%d","price":%d.%02d,"ts":"2026-11-23T10:%02d:%02d.%03dZ"})",
                          id.c_str(), request.c_str(), bid.c_str(), li, li * 3, cents / 100, cents % 100, (i / 1000) % 60,
                          (i / 10) % 60, i % 1000);
            batch.price_micros += cents * 10;  // CPM cents → per-impression micros
        } else if (roll < 70) {
            std::snprintf(line, sizeof line,
                          R"({"type":"impression","event_id":"%s","bid_id":"%s","line_item":"li-%d","ts":%lld})",
                          id.c_str(), bid.c_str(), li, ts_ms);
        } else if (roll < 85) {
            std::snprintf(line, sizeof line,
                          R"({"type":"loss","event_id":"%s","bid_id":"%s","line_item":"li-%d","reason":102,)"
                          R"("min_to_win":%d.%02d,"ts":%lld})",
                          id.c_str(), bid.c_str(), li, cents / 100, cents % 100, ts_ms);
        } else if (roll < 95) {
            std::snprintf(line, sizeof line, R"({"type":"click","event_id":"%s","bid_id":"%s","ts":%lld})",
                          id.c_str(), bid.c_str(), ts_ms);
        } else {
            std::snprintf(line, sizeof line,
                          R"({"type":"conversion","event_id":"%s","bid_id":"%s","value":%d.%02d,)"
                          R"("currency":"USD","ts":%lld})",
                          id.c_str(), bid.c_str(), cents, cents % 100, ts_ms);
            batch.value_micros += static_cast<std::int64_t>(cents) * 1'000'000 + (cents % 100) * 10'000;
        }
        batch.body += line;
        batch.body += '\n';
        ++batch.events;
    }
    return batch;
}

const Batch& batch() {
    static const Batch b = make_batch(10'000);
    return b;
}

// Parses (and optionally encodes) the batch; returns the sums to check.
struct Totals {
    BatchCounts counts;
    std::int64_t price_micros = 0;
    std::int64_t value_micros = 0;
    std::size_t encoded_bytes = 0;
};

template <bool kEncode>
Totals run(EventLineParser& parser, flatbuffers::FlatBufferBuilder& builder) {
    Totals t;
    t.counts = parser.parse_batch(
        batch().body,
        [&](const Event& e, std::uint32_t) {
            if (e.kind == bidline::feeds::EventKind::win) t.price_micros += e.price.value();
            t.value_micros += e.value.value();
            if constexpr (kEncode) {
                builder.Clear();
                t.encoded_bytes += bidline::feeds::encode_event(e, builder).size();
            }
        },
        [&](std::uint32_t line, const FeedError& error) {
            std::fprintf(stderr, "line %u rejected: %.*s\n", line, static_cast<int>(error.message().size()),
                         error.message().data());
        });
    return t;
}

bool check_answer() {
    EventLineParser parser;
    flatbuffers::FlatBufferBuilder builder(512);
    const Totals t = run<true>(parser, builder);
    const Batch& b = batch();
    const bool ok = t.counts.accepted == static_cast<std::uint32_t>(b.events) && t.counts.rejected == 0 &&
                    t.price_micros == b.price_micros && t.value_micros == b.value_micros && t.encoded_bytes > 0;
    if (!ok)
        std::fprintf(stderr, "events_parse_bench: wrong answer: accepted %u/%d, prices %lld/%lld, values %lld/%lld\n",
                     t.counts.accepted, b.events, static_cast<long long>(t.price_micros),
                     static_cast<long long>(b.price_micros), static_cast<long long>(t.value_micros),
                     static_cast<long long>(b.value_micros));
    return ok;
}

template <bool kEncode>
void BM_EventsBatch(benchmark::State& state) {
    EventLineParser parser;
    flatbuffers::FlatBufferBuilder builder(512);
    for (auto _ : state) {
        const Totals t = run<kEncode>(parser, builder);
        benchmark::DoNotOptimize(t);
    }
    state.SetItemsProcessed(state.iterations() * batch().events);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(batch().body.size()));
}

BENCHMARK(BM_EventsBatch<false>)->Name("ndjson_parse_validate")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EventsBatch<true>)->Name("ndjson_parse_validate_encode")->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    if (!check_answer()) return 1;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
