// Fuzzes POST /v1/events parsing. Besides memory errors it checks the
// parser's promises: line numbers rise; counts add up; every accepted event
// has the required ids and a sane time, and survives the flatbuffer round
// trip unchanged.
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address -I feeds/include -I config/include \
//   -I build-feeds/feeds/generated tests/fuzz/event_batch_fuzz.cc feeds/src/event_line_parser.cc \
//   feeds/src/event_codec.cc feeds/src/event_names.cc feeds/src/feed_error.cc feeds/src/time_text.cc \
//   -lsimdjson -lflatbuffers
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_line_parser.h"
#include "bidline/feeds/time_text.h"


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bidline::feeds;
    static EventLineParser parser(FeedLimits{.max_line_bytes = 512});
    static flatbuffers::FlatBufferBuilder builder;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::uint32_t last_line = 0;
    std::uint32_t calls = 0;
    const BatchCounts counts = parser.parse_batch(
        body,
        [&](const Event& e, std::uint32_t line) {
            check(line > last_line);
            last_line = line;
            ++calls;
            check(!e.event_id.empty());
            check(e.ts >= kEarliestEventTime && e.ts < kLatestEventTime);
            check(e.price.value() >= 0 && e.value.value() >= 0);
            builder.Clear();
            const auto bytes = encode_event(e, builder);
            Event back;
            check(decode_event(bytes.data(), bytes.size(), back).ok());
            check(back == e);
        },
        [&](std::uint32_t line, const FeedError& error) {
            check(line > last_line);
            last_line = line;
            ++calls;
            check(!error.ok() && !error.message().empty());
        });
    check(counts.accepted + counts.rejected == calls);
    return 0;
}
