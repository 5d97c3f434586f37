// Strict hand-written readers: these run once per event line, and the
// formats are small and fixed.
#include "bidline/feeds/time_text.h"

namespace bidline::feeds {

namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

bool read_date(std::string_view s, std::chrono::sys_days& out) {
    int y = 0, m = 0, d = 0;
    if (!read_digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_digits(s, 5, 2, m) || s[7] != '-' ||
        !read_digits(s, 8, 2, d))
        return false;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(m)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    if (!ymd.ok()) return false;
    out = std::chrono::sys_days{ymd};
    return true;
}

}  // namespace

bool parse_civil_date(std::string_view text, std::chrono::sys_days& out) {
    return text.size() == 10 && read_date(text, out);
}

bool parse_rfc3339(std::string_view s, UtcMicros& out) {
    using namespace std::chrono;
    sys_days day;
    int hh = 0, mm = 0, ss = 0;
    if (s.size() < 20 || !read_date(s, day) || (s[10] != 'T' && s[10] != 't') || !read_digits(s, 11, 2, hh) ||
        s[13] != ':' || !read_digits(s, 14, 2, mm) || s[16] != ':' || !read_digits(s, 17, 2, ss))
        return false;
    // No leap seconds: the event clock is POSIX time.
    if (hh > 23 || mm > 59 || ss > 59) return false;
    std::size_t pos = 19;
    std::int64_t micros = 0;
    if (s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0 || digits > 9) return false;
        for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    }
    if (pos >= s.size()) return false;
    minutes offset{0};
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = 0, om = 0;
        if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
            return false;
        offset = hours{oh} + minutes{om};
        if (s[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    out = UtcMicros{day} + hours{hh} + minutes{mm} + seconds{ss} + microseconds{micros} - offset;
    return true;
}

}  // namespace bidline::feeds
