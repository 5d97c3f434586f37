// [[campaign]]: an advertiser's budget over a flight of dates, and how
// pacing spreads it. The zone is resolved here (empty = the advertiser's) so
// that nothing downstream has to look it up again.
#include <algorithm>
#include <unordered_map>
#include <utility>

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

// platform_ids = { google_ads = "1234567890", meta = "...", tiktok = "..." }
PlatformCampaignIds read_platform_ids(const TomlTable& t) {
    PlatformCampaignIds ids;
    const auto table = t.table("platform_ids", {"google_ads", "meta", "tiktok"});
    if (!table) return ids;
    const auto one = [&](std::string_view platform, std::string& out) {
        const auto v = table->string(platform);
        if (!v) return;
        // The platforms print campaign ids as decimal numbers; 32 digits is
        // far above any of them and well within what an event can carry.
        const bool digits = !v->empty() && v->size() <= 32 &&
                            std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits)
            table->fail_at(*table->find(platform), platform,
                           "expected the platform's numeric campaign id (1 to 32 digits, as a string), got \"" + *v +
                               "\"");
        out = *v;
    };
    one("google_ads", ids.google_ads);
    one("meta", ids.meta);
    one("tiktok", ids.tiktok);
    return ids;
}

// A platform campaign maps to one of ours: a second campaign claiming the
// same id would make its reports' figures land on either, silently.
class PlatformIdRegistry {
public:
    void add(const TomlTable& campaign, const Campaign& c) {
        const auto table = campaign.table("platform_ids", {"google_ads", "meta", "tiktok"});
        if (!table) return;
        check(*table, "google_ads", c.platform_ids.google_ads, c.id.value);
        check(*table, "meta", c.platform_ids.meta, c.id.value);
        check(*table, "tiktok", c.platform_ids.tiktok, c.id.value);
    }

private:
    void check(const TomlTable& table, std::string_view platform, const std::string& id, const std::string& campaign) {
        if (id.empty()) return;
        const toml::value& where = table.require(platform);
        // The line is looked up only for the error: see IdRegistry.
        const auto [it, inserted] = first_.emplace(std::string(platform) + ":" + id, std::make_pair(campaign, &where));
        if (!inserted)
            table.fail_at(where, platform,
                          "duplicate " + std::string(platform) + " campaign id \"" + id +
                              "\" (already mapped to campaign \"" + it->second.first + "\" on line " +
                              std::to_string(line_of(*it->second.second)) + ")");
    }
    std::unordered_map<std::string, std::pair<std::string, const toml::value*>> first_;
};
// managed_by = "google_ads": the platform runs this campaign's auctions; we
// only set its bids and budget, so it must know the campaign's id there.
AdPlatform read_managed_by(const TomlTable& t, const PlatformCampaignIds& ids) {
    const auto name = t.string("managed_by");
    if (!name) return AdPlatform::none;
    const auto platform = parse_ad_platform(*name);
    if (!platform)
        t.fail_at(*t.find("managed_by"), "managed_by",
                  "unknown platform \"" + *name + "\" (expected google_ads, meta or tiktok; leave the key out when bidline bids itself)");
    if (platform_campaign_id(ids, *platform).empty())
        t.fail_at(*t.find("managed_by"), "managed_by",
                  "managed_by = \"" + *name + "\" needs the campaign's id there: add platform_ids = { " + *name +
                      " = \"...\" }");
    return *platform;
}

// [campaign.experiment] holdout_share = 0.1, id = "...": a share of users
// the campaign never bids for. A share of 1 would be a paused campaign and
// one above 0.5 wastes most of the reach, hence the bound.
CampaignExperiment read_experiment(const TomlTable& t, const std::string& campaign_id) {
    CampaignExperiment x;
    const auto table = t.table("experiment", {"id", "holdout_share"});
    if (!table) return x;
    const auto share = table->number("holdout_share");
    if (!share) table->fail_here("holdout_share", "missing required key (the share of users held out, e.g. 0.1)");
    if (!(*share > 0 && *share <= 0.5))
        table->fail_at(*table->find("holdout_share"), "holdout_share", "must be greater than 0 and at most 0.5");
    x.holdout_share = *share;
    x.id = table->string("id").value_or(campaign_id);
    if (x.id.empty() || x.id.size() > 63) table->fail_at(*table->find("id"), "id", "must be 1 to 63 bytes");
    return x;
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
    c.platform_ids = read_platform_ids(t);
    c.managed_by = read_managed_by(t, c.platform_ids);
    c.experiment = read_experiment(t, c.id.value);
    return c;
}

}  // namespace

std::vector<Campaign> read_campaigns(const TomlTable& root, const std::vector<Advertiser>& advertisers) {
    std::vector<Campaign> out;
    IdRegistry ids;
    const auto tables = root.table_array(
        "campaign", {"id", "advertiser", "name", "daily_budget", "daily_budget_micros", "lifetime_budget",
                     "lifetime_budget_micros", "start", "end", "pacing", "timezone", "daypart", "paused",
                     "bid_multiplier_override", "platform_ids", "managed_by", "experiment"});
    PlatformIdRegistry platform_ids;
    for (const TomlTable& t : tables) {
        ids.add(t, "id", read_id(t, "id"));
        out.push_back(read_campaign(t, advertisers));
        platform_ids.add(t, out.back());
    }
    return out;
}

}  // namespace bidline::config_detail
