// Incremental HTTP/1.1 request parsing over a connection's read buffer:
// request line, headers (as string_views into the buffer), Content-Length
// or chunked bodies, keep-alive and pipelining. No allocation; limits on
// header and body size are checked as bytes arrive. Errors are values that
// map to a status code (400, 413, 431, 501, 505).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bidline {

enum class HttpMethod : std::uint8_t { get, post, put, patch, del, head, options, other };

enum class HttpParseStatus : std::uint8_t {
    incomplete,  // need more bytes
    complete,    // one whole request is in the buffer
    error,       // see HttpRequest::error_status / error_reason
};

struct HttpHeader {
    std::string_view name;
    std::string_view value;
};

struct HttpRequest {
    HttpMethod method = HttpMethod::other;
    std::string_view method_text;
    std::string_view target;  // path + query as sent
    std::string_view path;
    std::string_view query;          // after '?', without it
    std::uint8_t version_minor = 1;  // HTTP/1.x
    static constexpr std::size_t kMaxHeaders = 48;
    HttpHeader headers[kMaxHeaders];
    std::uint8_t header_count = 0;
    std::string_view body;  // de-chunked when chunked; still gzip if content-encoding says so
    bool keep_alive = true;
    bool body_gzip = false;             // Content-Encoding: gzip
    bool expect_continue = false;       // HTTP/1.1 `Expect: 100-continue`
    bool unsupported_encoding = false;  // Content-Encoding other than gzip/identity: the server answers 415
    // Set once the whole header section is in, even while the body is still
    // `incomplete`: the server can then answer `Expect: 100-continue`.
    bool headers_complete = false;
    std::size_t consumed = 0;        // bytes of the buffer this request used (for pipelining)
    std::uint16_t error_status = 0;  // 400/413/431/501/505 when status == error
    std::string_view error_reason;
    // Set by the Router once an API key authorized the request: the key's
    // name, which is the connector whose limits it spends (route_auth.h).
    std::string_view authenticated_as;

    std::string_view header(std::string_view name) const;  // case-insensitive; "" if absent
};

struct HttpLimits {
    std::size_t max_header_bytes = std::size_t{8} * 1024;
    std::size_t max_body_bytes = std::size_t{64} * 1024;
};

// Parses one request from the start of `buf[0, len)`. For chunked bodies the
// chunk payloads are moved together in place (only once the whole body is
// there, so re-parsing a longer buffer after `incomplete` is safe), so `buf`
// is writable. The request's views point into `buf`. Behaviour, limits and
// statuses are listed in engine/HTTP.md.
// Returns `incomplete` until the headers and the whole body are present;
// fails early (431 headers too large, 413 body too large) without waiting
// for the rest of an oversized request.
[[nodiscard]] HttpParseStatus parse_http_request(char* buf, std::size_t len, const HttpLimits& limits,
                                                 HttpRequest& out);

// Inflates gzip request bodies. One per shard: zlib's state is allocated
// once and reset per body, so steady state does not allocate.
class GzipInflater {
public:
    GzipInflater();
    ~GzipInflater();
    GzipInflater(const GzipInflater&) = delete;
    GzipInflater& operator=(const GzipInflater&) = delete;

    // Inflates `gz` into `out[0, cap)`. Returns bytes written, -1 if the
    // input is not valid gzip, -2 if the inflated size would exceed `cap`
    // (a compression bomb gets 413, never an unbounded buffer).
    [[nodiscard]] long inflate(std::string_view gz, char* out, std::size_t cap);

private:
    void* stream_;  // z_stream, kept out of this header
};

}  // namespace bidline
