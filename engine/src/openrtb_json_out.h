// A JSON output cursor over a caller-owned buffer of fixed size, for the bid
// response on the hot path: nothing is allocated, nothing is written past
// the end. Once something does not fit, the cursor stays failed and every
// later write is a no-op, so the writer checks once at the end.
// Used by one shard at a time; holds no state beyond the buffer pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bidline::openrtb {

class BoundedJsonOut {
public:
    BoundedJsonOut(char* out, std::size_t cap) : begin_(out), pos_(out), end_(out + cap) {}

    void raw(std::string_view s) {
        if (!fits(s.size())) return;
        std::memcpy(pos_, s.data(), s.size());
        pos_ += s.size();
    }
    void raw(char c) {
        if (!fits(1)) return;
        *pos_++ = c;
    }

    // "s" with quotes, backslashes and control characters escaped.
    void string(std::string_view s) {
        raw('"');
        escaped(s);
        raw('"');
    }
    void escaped(std::string_view s);
    // RFC 3986 percent-encoding: everything but unreserved characters.
    void percent_encoded(std::string_view s);
    void uint(std::uint64_t v);
    // A CPM price in plain decimal notation (never an exponent), rounded to
    // micros, which is the precision the engine keeps money in.
    void price(double cpm);

    // Marks the output as failed, e.g. for a value that cannot be written.
    void fail() { failed_ = true; }
    bool failed() const { return failed_; }
    std::size_t size() const { return static_cast<std::size_t>(pos_ - begin_); }

private:
    bool fits(std::size_t n) {
        if (failed_ || static_cast<std::size_t>(end_ - pos_) < n) {
            failed_ = true;
            return false;
        }
        return true;
    }

    char* begin_;
    char* pos_;
    char* end_;
    bool failed_ = false;
};

}  // namespace bidline::openrtb
