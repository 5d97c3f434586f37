// [campaign.daypart]: the hour-of-week schedule of a campaign, written the
// way people say it — per weekday, the local hours it runs, and a list of
// "days hours multiplier" rules for bid multipliers:
//   mon = "09-18"                 on 09:00–18:00 (end exclusive); "" = off all day
//   sat = "10-12,14-20"           several ranges; a day not listed runs all day
//   multipliers = ["mon-fri 18-22 1.3", "sat,sun 00-24 0.8"]
#include <charconv>
#include <string>

#include "section_readers.h"

namespace bidline::config_detail {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

int day_number(std::string_view d) {
    for (int i = 0; i < 7; ++i)
        if (kDays[i] == d) return i;
    return -1;
}

// "HH-HH" with 0 <= from < to <= 24; false when malformed.
bool parse_hour_range(std::string_view r, int& from, int& to) {
    const auto dash = r.find('-');
    if (dash == std::string_view::npos) return false;
    const std::string_view a = trim(r.substr(0, dash)), b = trim(r.substr(dash + 1));
    if (std::from_chars(a.data(), a.data() + a.size(), from).ptr != a.data() + a.size() || a.empty()) return false;
    if (std::from_chars(b.data(), b.data() + b.size(), to).ptr != b.data() + b.size() || b.empty()) return false;
    return 0 <= from && from < to && to <= 24;
}

// "mon-fri", "sat,sun", "wed", "all": a 7-bit set of weekdays, 0 when malformed.
unsigned parse_days(std::string_view spec) {
    if (spec == "all") return 0x7f;
    unsigned days = 0;
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const std::string_view part = trim(spec.substr(0, comma));
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        const auto dash = part.find('-');
        const int a = day_number(part.substr(0, dash));
        const int b = dash == std::string_view::npos ? a : day_number(part.substr(dash + 1));
        if (a < 0 || b < a) return 0;
        for (int d = a; d <= b; ++d) days |= 1u << d;
    }
    return days;
}

void read_day_hours(const TomlTable& t, int day, Daypart& out) {
    const auto text = t.string(kDays[day]);
    if (!text) return;
    for (int h = 0; h < 24; ++h) out.on[day * 24 + h] = false;
    std::string_view rest = *text;
    while (!trim(rest).empty()) {
        const auto comma = rest.find(',');
        int from = 0, to = 0;
        if (!parse_hour_range(rest.substr(0, comma), from, to))
            t.fail_at(*t.find(kDays[day]), kDays[day], "expected hour ranges like \"09-18\" or \"00-06,20-24\"");
        for (int h = from; h < to; ++h) out.on[day * 24 + h] = true;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
}

void read_multiplier_rule(const TomlTable& t, const toml::value& element, Daypart& out) {
    const std::string rule = t.element_string(element, "multipliers");
    const auto s1 = rule.find(' '), s2 = rule.rfind(' ');
    unsigned days = 0;
    int from = 0, to = 0;
    double m = 0;
    const bool ok = s1 != std::string::npos && s2 > s1 && (days = parse_days(std::string_view(rule).substr(0, s1))) != 0 &&
                    parse_hour_range(trim(std::string_view(rule).substr(s1 + 1, s2 - s1 - 1)), from, to) &&
                    std::from_chars(rule.data() + s2 + 1, rule.data() + rule.size(), m).ptr == rule.data() + rule.size() &&
                    m > 0 && m <= 10;
    if (!ok)
        t.fail_at(element, "multipliers",
                  "expected \"DAYS HH-HH MULTIPLIER\", e.g. \"mon-fri 18-22 1.3\" (multiplier in (0, 10])");
    for (int d = 0; d < 7; ++d)
        if (days & (1u << d))
            for (int h = from; h < to; ++h) out.multiplier[d * 24 + h] = static_cast<float>(m);
}

}  // namespace

Daypart read_daypart(const TomlTable& t) {
    Daypart out;
    for (int d = 0; d < 7; ++d) read_day_hours(t, d, out);
    for (const toml::value* rule : t.list("multipliers")) read_multiplier_rule(t, *rule, out);
    return out;
}

}  // namespace bidline::config_detail
