// gzip request bodies (Content-Encoding: gzip) through zlib.
//
// The z_stream and its 32 KiB window are allocated once per shard; each body
// only resets them. Output goes straight into the caller's fixed buffer and
// inflate stops as soon as that buffer is full, so a compression bomb costs
// at most `cap` bytes of work, never an unbounded buffer.
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <new>

#include "bidline/engine/http_request.h"

namespace bidline {
namespace {

z_stream& as_stream(void* p) { return *static_cast<z_stream*>(p); }

// zlib counts in uInt (32 bits): longer spans are fed in slices.
uInt slice(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX)); }

constexpr long kInvalid = -1;
constexpr long kTooLarge = -2;

}  // namespace

GzipInflater::GzipInflater() : stream_(new z_stream{}) {
    // 16 + MAX_WBITS: gzip wrapper only (raw zlib streams are not gzip).
    if (inflateInit2(&as_stream(stream_), 16 + MAX_WBITS) != Z_OK) {
        delete &as_stream(stream_);
        throw std::bad_alloc();
    }
}

GzipInflater::~GzipInflater() {
    inflateEnd(&as_stream(stream_));
    delete &as_stream(stream_);
}

long GzipInflater::inflate(std::string_view gz, char* out, std::size_t cap) {
    z_stream& s = as_stream(stream_);
    if (inflateReset(&s) != Z_OK) return kInvalid;

    // zlib refuses a null next_out even with no room; a dummy byte stands in
    // for an empty output buffer.
    char no_room = 0;
    const char* in = gz.data();
    std::size_t in_left = gz.size();
    char* dst = cap == 0 ? &no_room : out;
    std::size_t out_left = cap;
    std::size_t written = 0;

    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    s.avail_in = slice(in_left);
    in_left -= s.avail_in;
    s.next_out = reinterpret_cast<Bytef*>(dst);
    s.avail_out = slice(out_left);
    out_left -= s.avail_out;

    for (;;) {
        const uInt out_before = s.avail_out;
        const int rc = ::inflate(&s, Z_NO_FLUSH);
        written += out_before - s.avail_out;
        if (rc == Z_STREAM_END) {
            if (s.avail_in == 0 && in_left == 0) return static_cast<long>(written);
            // Several gzip members in a row are still one gzip file
            // (RFC 1952 §2.2); each is at least 18 bytes, so this ends.
            if (inflateReset(&s) != Z_OK) return kInvalid;
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) return kInvalid;  // data, dictionary, memory errors
        if (s.avail_out == 0) {
            // Full, and the stream has not ended: more output is pending.
            if (out_left == 0) return kTooLarge;
            s.avail_out = slice(out_left);
            out_left -= s.avail_out;
        } else if (s.avail_in == 0) {
            if (in_left == 0) return kInvalid;  // truncated
            s.avail_in = slice(in_left);
            in_left -= s.avail_in;
        } else if (rc == Z_BUF_ERROR) {
            return kInvalid;  // no progress with room on both sides: never loop on it
        }
    }
}

}  // namespace bidline
