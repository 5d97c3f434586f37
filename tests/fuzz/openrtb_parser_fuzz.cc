// Fuzzes OpenRTB bid request parsing (simdjson On-Demand into a
// BidRequestView). Besides memory errors it checks: an error has a known
// code and a NUL-terminated detail; a success has a request id and at least
// one imp; parsing the same bytes twice gives the same answer (the parser
// keeps no state between requests).
//
// clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -mpclmul -march=x86-64-v3 \
//   -I engine/include -I engine/src -I config/include -I models/include -I pacing/include \
//   -I feeds/include -I build/feeds/generated -I /usr/include/eigen3 \
//   tests/fuzz/openrtb_parser_fuzz.cc engine/src/openrtb_parser*.cc -lsimdjson
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "fuzz_check.h"
#include "bidline/engine/openrtb_parser.h"


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bidline;
    static OpenRtbParser parser;
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    BidRequestView first;
    const OpenRtbError error = parser.parse(json, first);
    check(static_cast<std::uint8_t>(error.code) <= static_cast<std::uint8_t>(OpenRtbErrc::too_large));
    check(std::memchr(error.detail, '\0', sizeof error.detail) != nullptr);
    if (!error) {
        check(!first.id.empty() && !first.imps.empty());
        for (const ImpView& imp : first.imps) check(!imp.id.empty());
    }
    BidRequestView second;
    const OpenRtbError again = parser.parse(json, second);
    check(again.code == error.code);
    return 0;
}
