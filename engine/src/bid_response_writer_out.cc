// BoundedJsonOut's encoders: JSON string escaping, URL percent-encoding and
// number formatting, hand-written because they run for every bid and
// snprintf would parse a format string (and may use exponents) each time.
#include <charconv>
#include <cmath>

#include "openrtb_json_out.h"

namespace bidline::openrtb {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

bool needs_json_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// RFC 3986 §2.3 unreserved characters: the only ones a query value keeps.
bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

}  // namespace

void BoundedJsonOut::escaped(std::string_view s) {
    // Copy runs that need no escaping in one go: markup is mostly plain text.
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (!needs_json_escape(c)) continue;
        raw(s.substr(run_start, i - run_start));
        run_start = i + 1;
        switch (c) {
            case '"':
                raw("\\\"");
                break;
            case '\\':
                raw("\\\\");
                break;
            // Short forms for the control characters common in HTML markup.
            case '\n':
                raw("\\n");
                break;
            case '\r':
                raw("\\r");
                break;
            case '\t':
                raw("\\t");
                break;
            default: {
                const char u[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
                raw(std::string_view(u, sizeof u));
            }
        }
    }
    raw(s.substr(run_start));
}

void BoundedJsonOut::percent_encoded(std::string_view s) {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            raw(ch);
        } else {
            const char pct[3] = {'%', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
            raw(std::string_view(pct, sizeof pct));
        }
    }
}

void BoundedJsonOut::uint(std::uint64_t v) {
    char digits[20];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    (void)ec;  // 20 digits hold any uint64
    raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void BoundedJsonOut::price(double cpm) {
    // |cpm| * 1e6 must fit an int64; no real CPM comes near 9e12.
    if (!std::isfinite(cpm) || std::fabs(cpm) >= 9e12) {
        fail();
        return;
    }
    std::int64_t micros = std::llround(cpm * 1e6);
    if (micros < 0) {
        raw('-');
        micros = -micros;
    }
    uint(static_cast<std::uint64_t>(micros / 1'000'000));
    auto fraction = static_cast<int>(micros % 1'000'000);
    if (fraction == 0) return;
    char digits[7] = {'.'};
    for (int i = 6; i >= 1; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
    std::size_t len = 7;
    while (digits[len - 1] == '0') --len;  // 1.5, not 1.500000
    raw(std::string_view(digits, len));
}

}  // namespace bidline::openrtb
