#include "net/admission.h"

#include <cstring>

namespace bidline::net {

namespace {

constexpr std::uint32_t kMaxTmaxMs = 3'600'000;  // an hour: anything longer is not a deadline

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index just past the closing quote of the string whose opening quote is at
// `open`, or npos when it never closes.
std::size_t string_end(std::string_view s, std::size_t open) {
    std::size_t i = open + 1;
    for (;;) {
        const void* q = std::memchr(s.data() + i, '"', s.size() - i);
        if (q == nullptr) return std::string_view::npos;
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
        std::size_t backslashes = 0;
        while (at - backslashes > open + 1 && s[at - backslashes - 1] == '\\') ++backslashes;
        if (backslashes % 2 == 0) return at + 1;  // an even run escapes itself, not the quote
        i = at + 1;
    }
}

}  // namespace

std::optional<std::uint32_t> peek_tmax_ms(std::string_view s) {
    int depth = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0) return std::nullopt;  // the top-level object ended without it
        } else if (c == '"') {
            const std::size_t end = string_end(s, i);
            if (end == std::string_view::npos) return std::nullopt;
            if (depth == 1 && end - i == 6 && std::memcmp(s.data() + i + 1, "tmax", 4) == 0) {
                std::size_t k = end;
                while (k < s.size() && space(s[k])) ++k;
                if (k < s.size() && s[k] == ':') {  // a key, not a value that happens to read "tmax"
                    ++k;
                    while (k < s.size() && space(s[k])) ++k;
                    std::uint64_t v = 0;
                    std::size_t digits = 0;
                    for (; k < s.size() && s[k] >= '0' && s[k] <= '9' && digits < 10; ++k, ++digits)
                        v = v * 10 + static_cast<std::uint64_t>(s[k] - '0');
                    const bool integer = digits > 0 && (k == s.size() || s[k] == ',' || s[k] == '}' || space(s[k]));
                    if (!integer || v == 0 || v > kMaxTmaxMs) return std::nullopt;
                    return static_cast<std::uint32_t>(v);
                }
            }
            i = end - 1;
        }
    }
    return std::nullopt;
}

std::optional<ShedReason> AdmissionControl::check(std::int64_t waited_us, std::int64_t now_us, std::string_view body,
                                                  Backlog backlog) const {
    if (waited_us >= kFreshUs) {
        const std::optional<std::uint32_t> tmax = body.empty() ? std::nullopt : peek_tmax_ms(body);
        const std::int64_t deadline_us = tmax ? std::int64_t{*tmax} * 1000 : default_deadline_us_;
        if (2 * waited_us >= deadline_us) return ShedReason::tmax_expired;
    }
    // A request behind a backlog is shed sooner: its connection has a queue
    // the shard has not had a moment to drain, part of it maybe unseen.
    const std::int64_t busy_us = now_us - last_idle_us_;
    if ((waited_us >= kOverloadTargetUs && busy_us > kOverloadIntervalUs) ||
        (backlog == Backlog::behind && busy_us > kBehindBusyUs))
        return ShedReason::shed_overload;
    return std::nullopt;
}

}  // namespace bidline::net
