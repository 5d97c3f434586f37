// Fuzzes HTTP request parsing the way the server drives it: one read buffer,
// requests parsed one after another at `buf + consumed`, gzip bodies
// inflated into a fixed buffer. Besides memory errors it checks the
// parser's promises:
//   - `consumed` stays within the buffer and moves forward;
//   - the views of a complete request lie inside the bytes it consumed;
//   - every prefix of the input parses to `incomplete` or to the same
//     answer as the whole (a split TCP read changes nothing), and an
//     `incomplete` parse leaves the bytes as they were.
//
// clang++-14 -std=c++20 -fsanitize=fuzzer,address -I engine/include \
//   tests/fuzz/http_request_fuzz.cc engine/src/http_request.cc engine/src/gzip_inflater.cc -lz
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "bidline/engine/http_request.h"

namespace {

// Small limits so that 413 and 431 are within the fuzzer's reach.
constexpr bidline::HttpLimits kLimits{.max_header_bytes = 512, .max_body_bytes = 1024};


bool inside(std::string_view v, const char* begin, const char* end) {
    return v.empty() || (v.data() >= begin && v.data() + v.size() <= end);
}

void check_views(const bidline::HttpRequest& r, const char* begin) {
    const char* end = begin + r.consumed;
    check(inside(r.method_text, begin, end) && inside(r.target, begin, end) && inside(r.query, begin, end));
    check(inside(r.body, begin, end));
    check(r.header_count <= bidline::HttpRequest::kMaxHeaders);
    for (int i = 0; i < r.header_count; ++i) {
        check(inside(r.headers[i].name, begin, end) && inside(r.headers[i].value, begin, end));
        check(r.header(r.headers[i].name).data() != nullptr);
    }
}

// Prefixes of the first request: each must be `incomplete` (bytes untouched)
// or reach the same status, status code and length as the whole input.
void check_prefixes(const uint8_t* data, size_t size, bidline::HttpParseStatus whole_status,
                    const bidline::HttpRequest& whole) {
    const size_t limit = whole_status == bidline::HttpParseStatus::complete ? whole.consumed : size;
    std::vector<char> buf;
    for (size_t n = 0; n < limit && n < 2048; ++n) {
        buf.assign(data, data + n);
        bidline::HttpRequest r;
        const auto status = bidline::parse_http_request(buf.data(), n, kLimits, r);
        if (status == bidline::HttpParseStatus::incomplete) {
            check(n == 0 || std::memcmp(buf.data(), data, n) == 0);
            continue;
        }
        check(status == whole_status);
        check(r.error_status == whole.error_status);
        if (status == bidline::HttpParseStatus::complete) check(r.consumed == whole.consumed);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static bidline::GzipInflater inflater;
    static char inflated[16 * 1024];

    std::vector<char> buf(data, data + size);
    size_t offset = 0;
    bool first = true;
    while (offset < buf.size()) {
        bidline::HttpRequest r;
        const size_t left = buf.size() - offset;
        const auto status = bidline::parse_http_request(buf.data() + offset, left, kLimits, r);
        if (first) {
            check_prefixes(data, size, status, r);
            first = false;
        }
        if (status == bidline::HttpParseStatus::error) {
            check(r.error_status != 0 && !r.error_reason.empty() && !r.keep_alive);
            break;
        }
        if (status == bidline::HttpParseStatus::incomplete) break;
        check(r.consumed > 0 && r.consumed <= left);
        check(r.headers_complete);
        check(r.body.size() <= kLimits.max_body_bytes);
        check_views(r, buf.data() + offset);
        if (r.body_gzip) {
            const long n = inflater.inflate(r.body, inflated, sizeof inflated);
            check(n >= -2 && n <= static_cast<long>(sizeof inflated));
        }
        offset += r.consumed;
    }
    // The body itself as gzip as well: the request grammar rarely lets the
    // fuzzer build a valid gzip member inside a Content-Length body.
    const long n = inflater.inflate(std::string_view(reinterpret_cast<const char*>(data), size), inflated, 512);
    check(n >= -2 && n <= 512);
    return 0;
}
