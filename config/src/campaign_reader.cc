// [[campaign]]: an advertiser's budget over a flight of dates, and how
// pacing spreads it. The zone is resolved here (empty = the advertiser's) so
// that nothing downstream has to look it up again.
#include <algorithm>

#include "bidline/config/config.h"
#include "domain_fields.h"
#include "section_readers.h"

namespace bidline::config_detail {

namespace {

const Advertiser& find_advertiser(const TomlTable& t, const std::vector<Advertiser>& advertisers) {
    const std::string id = read_id(t, "advertiser");
    const auto it =
        std::find_if(advertisers.begin(), advertisers.end(), [&](const Advertiser& a) { return a.id.value == id; });
    if (it == advertisers.end()) t.fail_at(t.require("advertiser"), "advertiser", "unknown advertiser \"" + id + "\"");
    return *it;
}

PacingMode read_pacing(const TomlTable& t) {
    const auto name = t.string("pacing");
    if (!name) return PacingMode::even;
    const auto mode = parse_pacing_mode(*name);
    if (!mode) {
        t.fail_at(*t.find("pacing"), "pacing",
                  "unknown pacing \"" + *name + "\" (expected even, traffic, asap or front_loaded)");
    }
    return *mode;
}

Campaign read_campaign(const TomlTable& t, const std::vector<Advertiser>& advertisers) {
    Campaign c;
    c.id.value = read_id(t, "id");
    const Advertiser& advertiser = find_advertiser(t, advertisers);
    c.advertiser = advertiser.id;
    c.name = t.string("name").value_or(c.id.value);
    // Required, even if 0 (= no campaign daily cap): a forgotten budget line
    // must not silently mean "spend without limit".
    const auto daily = read_money(t, "daily_budget");
    if (!daily)
        t.fail_here("daily_budget", "missing required key (daily_budget or daily_budget_micros; 0 = no daily cap)");
    c.daily_budget = *daily;
    c.lifetime_budget = read_money(t, "lifetime_budget").value_or(Micros{});
    c.start = read_date(t, "start");
    c.end = read_date(t, "end");
    if (c.end < c.start) {
        t.fail_at(t.require("end"), "end", "end " + format_date(c.end) + " is before start " + format_date(c.start));
    }
    c.pacing = read_pacing(t);
    c.timezone = read_time_zone(t, "timezone").value_or(advertiser.timezone);
    if (auto d = t.table("daypart", {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "multipliers"}))
        c.daypart = read_daypart(*d);
    if (const toml::value* v = t.find("paused")) {
        if (!v->is_boolean()) t.fail_at(*v, "paused", "expected true or false");
        c.paused = v->as_boolean();
    }
    if (auto m = t.number("bid_multiplier_override")) {
        if (*m < 0 || *m > 10) t.fail_at(*t.find("bid_multiplier_override"), "bid_multiplier_override",
                                         "must be in [0, 10] (0 = no override)");
        c.bid_multiplier_override = *m;
    }
    return c;
}

}  // namespace

std::vector<Campaign> read_campaigns(const TomlTable& root, const std::vector<Advertiser>& advertisers) {
    std::vector<Campaign> out;
    IdRegistry ids;
    const auto tables = root.table_array(
        "campaign", {"id", "advertiser", "name", "daily_budget", "daily_budget_micros", "lifetime_budget",
                     "lifetime_budget_micros", "start", "end", "pacing", "timezone", "daypart", "paused",
                     "bid_multiplier_override"});
    for (const TomlTable& t : tables) {
        ids.add(t, "id", read_id(t, "id"));
        out.push_back(read_campaign(t, advertisers));
    }
    return out;
}

}  // namespace bidline::config_detail
