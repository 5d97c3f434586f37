// [[line_item]] with its [line_item.bid], [line_item.targeting] and
// [[line_item.creative]] tables, and the rules that span them: the campaign
// must exist, budget-optimising strategies need a budget to optimise, and
// the line item must have a creative it can actually serve.
#include <algorithm>

#include "bidline/config/config.h"
#include "domain_fields.h"
#include "section_readers.h"

namespace bidline::config_detail {

namespace {

struct LineItemTables {
    std::optional<TomlTable> bid;
    std::optional<TomlTable> targeting;
    std::vector<TomlTable> creatives;
};

// Opening a table rejects its unknown keys, so opening them all before
// reading any value reports typos ahead of the rules they would trip.
LineItemTables open_tables(const TomlTable& t) {
    LineItemTables out;
    out.bid = t.table("bid", {"strategy", "cpm", "cpm_micros", "cpc", "cpc_micros", "target_cpa", "target_cpa_micros",
                              "target_roas", "max_cpm", "max_cpm_micros", "shading"});
    out.targeting = t.table("targeting", {"media", "sizes", "countries", "regions", "device_types", "os",
                                          "domains_allow", "domains_block", "bundles_allow", "bundles_block", "deals"});
    out.creatives = t.table_array("creative", {"id", "format", "w", "h", "adomain", "categories", "mime", "markup", "slots"});
    return out;
}

const Campaign& find_campaign(const TomlTable& t, const std::vector<Campaign>& campaigns) {
    const std::string id = read_id(t, "campaign");
    const auto it =
        std::find_if(campaigns.begin(), campaigns.end(), [&](const Campaign& c) { return c.id.value == id; });
    if (it == campaigns.end()) t.fail_at(t.require("campaign"), "campaign", "unknown campaign \"" + id + "\"");
    return *it;
}

const Advertiser& advertiser_of(const Campaign& campaign, const std::vector<Advertiser>& advertisers) {
    // The campaign reader already checked the reference.
    return *std::find_if(advertisers.begin(), advertisers.end(),
                         [&](const Advertiser& a) { return a.id == campaign.advertiser; });
}

// max_clicks and max_conversions spend a budget as well as they can; with
// no budget anywhere they would have nothing to optimise against.
void check_budget_for_strategy(const TomlTable& bid, const LineItem& li, const Campaign& campaign) {
    if (li.bid.strategy != BidStrategy::max_clicks && li.bid.strategy != BidStrategy::max_conversions) return;
    const Micros none{};
    if (li.daily_budget > none || li.lifetime_budget > none || campaign.daily_budget > none ||
        campaign.lifetime_budget > none) {
        return;
    }
    bid.fail_at(
        bid.require("strategy"), "strategy",
        std::string(to_string(li.bid.strategy)) + " needs a daily or lifetime budget on the line item or its campaign");
}

bool serves_targeted_media(const LineItem& li) {
    if (li.targeting.media.empty()) return true;
    return std::any_of(li.creatives.begin(), li.creatives.end(), [&](const Creative& c) {
        return std::find(li.targeting.media.begin(), li.targeting.media.end(), c.format) != li.targeting.media.end();
    });
}

std::string media_names(const std::vector<MediaType>& media) {
    std::string out;
    for (MediaType m : media) out += (out.empty() ? "" : ", ") + std::string(to_string(m));
    return out;
}

LineItem read_line_item(const TomlTable& t, const std::vector<Advertiser>& advertisers,
                        const std::vector<Campaign>& campaigns, IdRegistry& creative_ids, CreativeRule rule) {
    const LineItemTables tables = open_tables(t);
    LineItem li;
    li.id.value = read_id(t, "id");
    const Campaign& campaign = find_campaign(t, campaigns);
    li.campaign = campaign.id;
    li.name = t.string("name").value_or(li.id.value);
    li.daily_budget = read_money(t, "daily_budget").value_or(Micros{});
    li.lifetime_budget = read_money(t, "lifetime_budget").value_or(Micros{});
    if (!tables.bid) t.fail_here("bid", "missing required table [line_item.bid]");
    li.bid = read_bid(*tables.bid);
    check_budget_for_strategy(*tables.bid, li, campaign);
    if (tables.targeting) li.targeting = read_targeting(*tables.targeting);
    if (tables.creatives.empty() && rule == CreativeRule::at_least_one)
        t.fail_here("creative", "a line item needs at least one [[line_item.creative]]");
    const Advertiser& advertiser = advertiser_of(campaign, advertisers);
    for (const TomlTable& creative : tables.creatives) {
        creative_ids.add(creative, "id", read_id(creative, "id"));
        li.creatives.push_back(read_creative(creative, advertiser));
    }
    if (!li.creatives.empty() && !serves_targeted_media(li)) {
        t.fail_here("creative",
                    "no creative has a format among the targeted media (" + media_names(li.targeting.media) + ")");
    }
    return li;
}

}  // namespace

std::vector<LineItem> read_line_items(const TomlTable& root, const std::vector<Advertiser>& advertisers,
                                      const std::vector<Campaign>& campaigns, CreativeRule rule) {
    std::vector<LineItem> out;
    IdRegistry line_item_ids;
    IdRegistry creative_ids;  // unique across line items: events name a creative alone
    const auto tables =
        root.table_array("line_item", {"id", "campaign", "name", "daily_budget", "daily_budget_micros",
                                       "lifetime_budget", "lifetime_budget_micros", "bid", "targeting", "creative"});
    for (const TomlTable& t : tables) {
        line_item_ids.add(t, "id", read_id(t, "id"));
        out.push_back(read_line_item(t, advertisers, campaigns, creative_ids, rule));
    }
    return out;
}

}  // namespace bidline::config_detail
