#include "bidline/engine/utc_text.h"

#include <ctime>

namespace bidline {

std::string rfc3339_utc(std::int64_t us) {
    const std::time_t s = static_cast<std::time_t>(us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace bidline
