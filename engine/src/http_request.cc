// HTTP/1.1 request parsing (RFC 9112) over a connection's read buffer.
//
// The parser keeps no state between calls: each call starts again at the
// first byte. A bid request arrives in one read almost always, so re-scanning
// the rare split request costs less than carrying a state machine around,
// and a stateless parser cannot get out of step with its buffer. The one
// write into the buffer (de-chunking) happens only once the request is
// complete, so an `incomplete` answer leaves the bytes untouched.
//
// Framing is strict where a lenient reading could disagree with a proxy in
// front of us (request smuggling): bare CR, whitespace before the colon,
// obs-fold, Transfer-Encoding together with Content-Length, differing
// Content-Length values are all 400.
#include <algorithm>
#include <cstring>
#include <limits>

#include "bidline/engine/http_request.h"

namespace bidline {
namespace {

// Character classes of RFC 9110 §5.6.2 (tchar), §5.5 (field-vchar, obs-text,
// SP, HTAB) and a strict request-target set (visible ASCII). Tables: one load
// per byte in the loops below.
struct CharClasses {
    bool token[256] = {};
    bool field[256] = {};
    bool target[256] = {};
};

constexpr CharClasses make_char_classes() {
    CharClasses c;
    for (int i = 0; i < 256; ++i) {
        const bool alnum = (i >= '0' && i <= '9') || (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z');
        c.token[i] = alnum || std::string_view("!#$%&'*+-.^_`|~").find(char(i)) != std::string_view::npos;
        c.field[i] = i == '\t' || (i >= 0x20 && i != 0x7f);
        c.target[i] = i > 0x20 && i < 0x7f;
    }
    return c;
}

constexpr CharClasses kChars = make_char_classes();

bool is_token_char(char c) { return kChars.token[static_cast<unsigned char>(c)]; }
bool is_field_char(char c) { return kChars.field[static_cast<unsigned char>(c)]; }
bool is_target_char(char c) { return kChars.target[static_cast<unsigned char>(c)]; }
bool is_ows(char c) { return c == ' ' || c == '\t'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// Calls `fn` for each non-empty element of a comma-separated list (RFC 9110
// §5.6.1), whitespace trimmed.
template <typename Fn>
void for_each_list_element(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty()) fn(element);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

std::size_t saturating_add(std::size_t a, std::size_t b) {
    return b > std::numeric_limits<std::size_t>::max() - a ? std::numeric_limits<std::size_t>::max() : a + b;
}

// Content-Length is 1*DIGIT. A valid but absurd value saturates instead of
// wrapping, so it is answered 413 (too large) rather than 400.
bool parse_content_length(std::string_view s, std::size_t& out) {
    if (s.empty()) return false;
    constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
    std::size_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        const auto digit = static_cast<std::size_t>(c - '0');
        v = v > (kMax - digit) / 10 ? kMax : v * 10 + digit;
    }
    out = v;
    return true;
}

HttpMethod method_from_text(std::string_view m) {
    // Methods are case-sensitive (RFC 9110 §9.1).
    switch (m.size()) {
        case 3:
            if (m == "GET") return HttpMethod::get;
            if (m == "PUT") return HttpMethod::put;
            break;
        case 4:
            if (m == "POST") return HttpMethod::post;
            if (m == "HEAD") return HttpMethod::head;
            break;
        case 5:
            if (m == "PATCH") return HttpMethod::patch;
            break;
        case 6:
            if (m == "DELETE") return HttpMethod::del;
            break;
        case 7:
            if (m == "OPTIONS") return HttpMethod::options;
            break;
        default:
            break;
    }
    return HttpMethod::other;
}

enum class Step : std::uint8_t { ok, more, failed };

// One line ending: CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept
// LF alone). A CR followed by anything else is an error.
Step eat_line_end(char*& p, const char* end) {
    if (p == end) return Step::more;
    if (*p == '\n') {
        ++p;
        return Step::ok;
    }
    if (*p != '\r') return Step::failed;
    if (p + 1 == end) return Step::more;
    if (p[1] != '\n') return Step::failed;
    p += 2;
    return Step::ok;
}

struct LineScan {
    Step step = Step::more;
    char* content_end = nullptr;  // before the CR/LF
    char* next = nullptr;         // after the CR/LF
};

// Scans the rest of a line of field-value characters (a header value, a chunk
// extension). CTLs other than HTAB are rejected: a NUL or bare CR in a value
// is how a message is made to mean different things to different parsers.
LineScan scan_line(char* p, const char* end) {
    for (; p < end; ++p) {
        if (is_field_char(*p)) continue;
        if (*p == '\n') return {Step::ok, p, p + 1};
        if (*p != '\r') return {Step::failed};
        if (p + 1 == end) return {Step::more};
        if (p[1] != '\n') return {Step::failed};
        return {Step::ok, p, p + 2};
    }
    return {Step::more};
}

struct FieldLine {
    Step step = Step::more;
    HttpHeader field;
    char* next = nullptr;
};

// `name: value` (RFC 9112 §5). `p` is at the start of a non-empty line.
FieldLine parse_field_line(char* p, const char* end) {
    // A line starting with whitespace is obs-fold (or whitespace before the
    // first field): RFC 9112 §5.2 lets us reject it, and we do.
    if (is_ows(*p)) return {Step::failed};
    char* const name = p;
    while (p < end && is_token_char(*p)) ++p;
    if (p == end) return {Step::more};
    if (*p != ':' || p == name) return {Step::failed};  // also whitespace before ':' (§5.1)
    const std::string_view name_view(name, static_cast<std::size_t>(p - name));
    char* const value = p + 1;
    const LineScan line = scan_line(value, end);
    if (line.step != Step::ok) return {line.step};
    const std::string_view raw(value, static_cast<std::size_t>(line.content_end - value));
    return {Step::ok, HttpHeader{name_view, trim_ows(raw)}, line.next};
}

// What the framing-relevant header fields said, decided on once the whole
// header section has been read.
struct HeaderFacts {
    std::size_t content_length = 0;
    bool has_content_length = false;
    bool content_length_invalid = false;
    bool content_length_conflict = false;
    unsigned transfer_encodings = 0;
    bool chunked = false;
    unsigned hosts = 0;
    bool connection_close = false;
    bool connection_keep_alive = false;
};

class RequestParser {
public:
    RequestParser(char* buf, std::size_t len, const HttpLimits& limits, HttpRequest& out)
        : buf_(buf),
          len_(len),
          limits_(limits),
          out_(out),
          head_end_(buf + std::min(len, limits.max_header_bytes)),
          head_capped_(len >= limits.max_header_bytes) {}

    HttpParseStatus run() {
        reset();
        char* p = buf_;
        Step step = skip_empty_lines(p);
        if (step == Step::ok) step = parse_request_line(p);
        if (step == Step::ok) step = parse_header_section(p);
        if (step == Step::ok) step = decide_framing();
        if (step == Step::ok) step = parse_body(p);
        switch (step) {
            case Step::ok:
                return HttpParseStatus::complete;
            case Step::more:
                return HttpParseStatus::incomplete;
            case Step::failed:
                break;
        }
        // After an error the framing is unknown: the connection cannot go on.
        out_.keep_alive = false;
        return HttpParseStatus::error;
    }

private:
    // Resets every field but the header array: only `header_count` entries
    // of it are meaningful, and zeroing 1.5 KB per request is not free.
    void reset() {
        static_assert(sizeof(HttpRequest) == 1696, "HttpRequest changed: reset the new field in RequestParser::reset");
        HttpRequest& r = out_;
        r.method = HttpMethod::other;
        r.method_text = r.target = r.path = r.query = r.body = r.error_reason = r.authenticated_as = {};
        r.version_minor = 1;
        r.header_count = 0;
        r.keep_alive = true;
        r.body_gzip = r.expect_continue = r.unsupported_encoding = r.headers_complete = false;
        r.consumed = 0;
        r.error_status = 0;
    }

    Step fail(std::uint16_t status, std::string_view reason) {
        out_.error_status = status;
        out_.error_reason = reason;
        return Step::failed;
    }

    // Out of bytes inside the header section: wait, unless max_header_bytes
    // have already arrived without the blank line.
    Step head_more() { return head_capped_ ? fail(431, "header section too large") : Step::more; }

    // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request
    // line (some clients send a CRLF after a POST body).
    Step skip_empty_lines(char*& p) {
        while (p < head_end_ && (*p == '\r' || *p == '\n')) {
            const Step step = eat_line_end(p, head_end_);
            if (step == Step::more) return head_more();
            if (step == Step::failed) return fail(400, "malformed request line");
        }
        return Step::ok;
    }

    // method SP request-target SP HTTP-version, checked as bytes arrive so
    // that garbage (a TLS hello on the plain port) fails at once.
    Step parse_request_line(char*& p) {
        char* const method = p;
        while (p < head_end_ && is_token_char(*p)) ++p;
        if (p == head_end_) return head_more();
        if (*p != ' ' || p == method) return fail(400, "malformed request line");
        out_.method_text = std::string_view(method, static_cast<std::size_t>(p - method));
        out_.method = method_from_text(out_.method_text);

        char* const target = ++p;
        while (p < head_end_ && is_target_char(*p)) ++p;
        if (p == head_end_) return head_more();
        if (*p != ' ' || p == target) return fail(400, "malformed request line");
        out_.target = std::string_view(target, static_cast<std::size_t>(p - target));
        ++p;

        // "HTTP/" DIGIT "." DIGIT, compared byte by byte as far as it arrived.
        static constexpr std::string_view kShape = "HTTP/0.0";
        const char* const version = p;
        for (std::size_t i = 0; i < kShape.size(); ++i, ++p) {
            if (p == head_end_) return head_more();
            const bool ok = kShape[i] == '0' ? (*p >= '0' && *p <= '9') : *p == kShape[i];
            if (!ok) return fail(400, "malformed request line");
        }
        const Step end = eat_line_end(p, head_end_);
        if (end == Step::more) return head_more();
        if (end == Step::failed) return fail(400, "malformed request line");

        const char major = version[5];
        const char minor = version[7];
        if (major != '1' || (minor != '0' && minor != '1')) return fail(505, "HTTP version not supported");
        out_.version_minor = static_cast<std::uint8_t>(minor - '0');
        return split_target();
    }

    // origin-form "/path?query"; also absolute-form (RFC 9112 §3.2.2: a
    // server MUST accept it) and "*" for OPTIONS.
    Step split_target() {
        std::string_view t = out_.target;
        if (t == "*") {
            if (out_.method != HttpMethod::options) return fail(400, "malformed request target");
            out_.path = t;
            return Step::ok;
        }
        if (t.front() != '/') {
            const std::size_t scheme_end = t.find("://");
            if (scheme_end == std::string_view::npos ||
                !(iequals(t.substr(0, scheme_end), "http") || iequals(t.substr(0, scheme_end), "https"))) {
                return fail(400, "malformed request target");
            }
            t.remove_prefix(scheme_end + 3);
            const std::size_t path_start = t.find_first_of("/?");
            if (t.empty() || path_start == 0) return fail(400, "malformed request target");  // empty authority
            t = path_start == std::string_view::npos ? std::string_view() : t.substr(path_start);
        }
        const std::size_t q = t.find('?');
        out_.path = t.substr(0, q);
        if (out_.path.empty()) out_.path = "/";
        if (q != std::string_view::npos) out_.query = t.substr(q + 1);
        return Step::ok;
    }

    Step parse_header_section(char*& p) {
        for (;;) {
            if (p == head_end_) return head_more();
            if (*p == '\r' || *p == '\n') {
                const Step step = eat_line_end(p, head_end_);
                if (step == Step::more) return head_more();
                if (step == Step::failed) return fail(400, "malformed header section");
                break;
            }
            const FieldLine line = parse_field_line(p, head_end_);
            if (line.step == Step::more) return head_more();
            if (line.step == Step::failed) return fail(400, "malformed header field");
            if (out_.header_count == HttpRequest::kMaxHeaders) return fail(431, "too many header fields");
            out_.headers[out_.header_count++] = line.field;
            note_header(line.field);
            p = line.next;
        }
        header_bytes_ = static_cast<std::size_t>(p - buf_);
        out_.headers_complete = true;
        const bool http11 = out_.version_minor == 1;
        out_.keep_alive = !facts_.connection_close && (http11 || facts_.connection_keep_alive);
        if (!http11) out_.expect_continue = false;  // RFC 9110 §10.1.1: ignored in HTTP/1.0
        return Step::ok;
    }

    // Dispatch on the name's length first: most fields are none of these.
    void note_header(const HttpHeader& h) {
        switch (h.name.size()) {
            case 4:
                if (iequals(h.name, "host")) ++facts_.hosts;
                break;
            case 6:
                if (iequals(h.name, "expect") && iequals(h.value, "100-continue")) out_.expect_continue = true;
                break;
            case 10:
                if (iequals(h.name, "connection")) note_connection(h.value);
                break;
            case 14:
                if (iequals(h.name, "content-length")) note_content_length(h.value);
                break;
            case 16:
                if (iequals(h.name, "content-encoding")) note_content_encoding(h.value);
                break;
            case 17:
                if (iequals(h.name, "transfer-encoding")) {
                    // Only a single "chunked" is supported; any list (gzip,
                    // chunked) or a repeated field is 501.
                    facts_.chunked = ++facts_.transfer_encodings == 1 && iequals(h.value, "chunked");
                }
                break;
            default:
                break;
        }
    }

    void note_connection(std::string_view value) {
        for_each_list_element(value, [this](std::string_view option) {
            if (iequals(option, "close")) facts_.connection_close = true;
            if (iequals(option, "keep-alive")) facts_.connection_keep_alive = true;
        });
    }

    // Repeats with the same value are allowed (RFC 9110 §8.6), differing
    // ones are a smuggling attempt or a broken client.
    void note_content_length(std::string_view value) {
        std::size_t n = 0;
        if (!parse_content_length(value, n)) {
            facts_.content_length_invalid = true;
            return;
        }
        if (facts_.has_content_length && n != facts_.content_length) facts_.content_length_conflict = true;
        facts_.has_content_length = true;
        facts_.content_length = n;
    }

    void note_content_encoding(std::string_view value) {
        for_each_list_element(value, [this](std::string_view coding) {
            if (iequals(coding, "identity")) return;
            // Twice gzip, or gzip plus anything, is not something we inflate.
            const bool gzip = iequals(coding, "gzip") || iequals(coding, "x-gzip");
            if (!gzip || out_.body_gzip) out_.unsupported_encoding = true;
            out_.body_gzip = out_.body_gzip || gzip;
        });
    }

    // RFC 9112 §6.1 and §6.3, and our limits; in this order so that a
    // smuggling attempt is a 400 whatever its sizes say.
    Step decide_framing() {
        if (facts_.transfer_encodings > 0) {
            if (out_.version_minor == 0) return fail(400, "transfer-encoding in an HTTP/1.0 request");
            if (facts_.has_content_length || facts_.content_length_invalid) {
                return fail(400, "both transfer-encoding and content-length");
            }
            if (!facts_.chunked) return fail(501, "transfer-encoding not supported");
        }
        if (facts_.content_length_invalid) return fail(400, "invalid content-length");
        if (facts_.content_length_conflict) return fail(400, "conflicting content-length");
        if (facts_.content_length > limits_.max_body_bytes) return fail(413, "content-length exceeds limit");
        // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in 1.0.
        if (facts_.hosts > 1 || (facts_.hosts == 0 && out_.version_minor == 1)) {
            return fail(400, "missing or repeated host");
        }
        return Step::ok;
    }

    // Without Content-Length or Transfer-Encoding a request has no body
    // (§6.3 rule 6), whatever the method. A GET with a framed body has it
    // read like any other, so the next pipelined request starts where it should.
    Step parse_body(char* p) {
        if (facts_.chunked) return parse_chunked_body(p);
        const std::size_t length = facts_.content_length;
        if (len_ - header_bytes_ < length) return Step::more;
        out_.body = std::string_view(p, length);
        out_.consumed = header_bytes_ + length;
        return Step::ok;
    }

    // Chunk framing (sizes, extensions, trailers) may take at most
    // max_header_bytes on top of the payload: the wire size stays bounded
    // even for a stream of one-byte chunks with long extensions.
    Step parse_chunked_body(char* begin) {
        const std::size_t budget = saturating_add(limits_.max_body_bytes, limits_.max_header_bytes);
        const std::size_t available = len_ - header_bytes_;
        body_capped_ = available >= budget;
        const char* const end = begin + std::min(available, budget);

        char* p = begin;
        std::size_t total = 0;
        for (;;) {
            std::size_t size = 0;
            const Step size_step = parse_chunk_size_line(p, end, total, size);
            if (size_step != Step::ok) return size_step;
            if (size == 0) break;
            if (static_cast<std::size_t>(end - p) < size) return body_more();
            p += size;
            const Step data_end = eat_line_end(p, end);
            if (data_end == Step::more) return body_more();
            if (data_end == Step::failed) return fail(400, "chunk data not followed by CRLF");
            total += size;
        }
        const Step trailers = skip_trailer_section(p, end);
        if (trailers != Step::ok) return trailers;

        out_.body = std::string_view(begin, join_chunks(begin, p));
        out_.consumed = static_cast<std::size_t>(p - buf_);
        return Step::ok;
    }

    Step body_more() { return body_capped_ ? fail(413, "chunked body exceeds limit") : Step::more; }

    // chunk-size [ chunk-ext ] CRLF. Extensions are checked for stray
    // control bytes and otherwise ignored. The size is checked against the
    // limit digit by digit: no overflow, and 413 before the data arrives.
    Step parse_chunk_size_line(char*& p, const char* end, std::size_t total, std::size_t& size) {
        const std::size_t room = limits_.max_body_bytes - total;
        char* const digits = p;
        for (int v = 0; p < end && (v = hex_value(*p)) >= 0; ++p) {
            const auto digit = static_cast<std::size_t>(v);
            if (digit > room || size > (room - digit) / 16) return fail(413, "chunked body exceeds limit");
            size = size * 16 + digit;
        }
        if (p == end) return body_more();
        if (p == digits) return fail(400, "malformed chunk size");
        if (*p != ';' && !is_ows(*p) && *p != '\r' && *p != '\n') return fail(400, "malformed chunk size");
        const LineScan line = scan_line(p, end);
        if (line.step == Step::more) return body_more();
        if (line.step == Step::failed) return fail(400, "malformed chunk extension");
        p = line.next;
        return Step::ok;
    }

    // Trailer fields are parsed for well-formedness and dropped: nothing we
    // serve depends on them.
    Step skip_trailer_section(char*& p, const char* end) {
        for (;;) {
            if (p == end) return body_more();
            if (*p == '\r' || *p == '\n') {
                const Step step = eat_line_end(p, end);
                if (step == Step::more) return body_more();
                if (step == Step::failed) return fail(400, "malformed trailer section");
                return Step::ok;
            }
            const FieldLine line = parse_field_line(p, end);
            if (line.step == Step::more) return body_more();
            if (line.step == Step::failed) return fail(400, "malformed trailer field");
            p = line.next;
        }
    }

    // Second pass over the validated chunks: moves each payload down to
    // follow the previous one. Returns the de-chunked body size.
    static std::size_t join_chunks(char* begin, const char* end) {
        char* out = begin;
        char* p = begin;
        for (;;) {
            std::size_t size = 0;
            for (int v = 0; (v = hex_value(*p)) >= 0; ++p) size = size * 16 + static_cast<std::size_t>(v);
            p = static_cast<char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))) + 1;
            if (size == 0) break;
            std::memmove(out, p, size);
            out += size;
            p += size;
            p += *p == '\r' ? 2 : 1;
        }
        return static_cast<std::size_t>(out - begin);
    }

    char* const buf_;
    const std::size_t len_;
    const HttpLimits& limits_;
    HttpRequest& out_;
    const char* const head_end_;  // the header section must end by here
    const bool head_capped_;      // ... and max_header_bytes have arrived
    bool body_capped_ = false;
    std::size_t header_bytes_ = 0;
    HeaderFacts facts_;
};

}  // namespace

HttpParseStatus parse_http_request(char* buf, std::size_t len, const HttpLimits& limits, HttpRequest& out) {
    return RequestParser(buf, len, limits, out).run();
}

std::string_view HttpRequest::header(std::string_view name) const {
    for (std::uint8_t i = 0; i < header_count; ++i) {
        if (iequals(headers[i].name, name)) return headers[i].value;
    }
    return {};
}

}  // namespace bidline
