// The admin API's entities on top of the file's (model_overlay.h): the
// section readers read them, with the base model's advertisers and
// campaigns in scope for references; ids are checked against the base here
// because each reader only sees its own array.
#include "bidline/config/model_overlay.h"

#include <algorithm>
#include <unordered_set>

#include "bidline/config/config.h"
#include "domain_fields.h"
#include "section_readers.h"

namespace bidline {

namespace {

using config_detail::TomlTable;

// Each reader sees only its own array, so ids the file already uses are
// refused here, before the reader runs (it then reports anything else).
// Reads the raw array: a malformed entry is left for the reader to explain.
template <class Entity>
void refuse_base_ids(const toml::value& overlay, const char* kind, const std::vector<Entity>& base,
                     const std::string& source_name) {
    if (!overlay.is_table() || !overlay.contains(kind) || !overlay.at(kind).is_array()) return;
    std::unordered_set<std::string> taken;
    for (const Entity& e : base) taken.insert(e.id.value);
    for (const toml::value& entry : overlay.at(kind).as_array()) {
        if (!entry.is_table() || !entry.contains("id") || !entry.at("id").is_string()) continue;
        const std::string& id = entry.at("id").as_string().str;
        if (taken.contains(id))
            throw ConfigError(source_name, 1, std::string(kind) + ".id",
                              "\"" + id + "\" is already defined in the configuration file");
    }
}

template <class Entity>
void append(std::vector<Entity>& to, std::vector<Entity> more) {
    to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

const Advertiser& advertiser_of(const CampaignModel& model, const LineItem& li) {
    // Both references were checked by the readers.
    const auto c = std::find_if(model.campaigns.begin(), model.campaigns.end(),
                                [&](const Campaign& k) { return k.id == li.campaign; });
    return *std::find_if(model.advertisers.begin(), model.advertisers.end(),
                         [&](const Advertiser& a) { return a.id == c->advertiser; });
}

// Creatives name their line item; creative ids are unique across all line
// items because events name a creative alone.
void attach_creatives(const TomlTable& root, CampaignModel& model) {
    std::unordered_set<std::string> creative_ids;
    for (const LineItem& li : model.line_items)
        for (const Creative& c : li.creatives) creative_ids.insert(c.id.value);
    for (const TomlTable& t : root.table_array(
             "creative", {"id", "line_item", "format", "w", "h", "adomain", "categories", "mime", "markup", "slots"})) {
        const std::string id = config_detail::read_id(t, "id");
        const std::string li_id = config_detail::read_id(t, "line_item");
        const auto li = std::find_if(model.line_items.begin(), model.line_items.end(),
                                     [&](const LineItem& l) { return l.id.value == li_id; });
        if (li == model.line_items.end())
            t.fail_at(t.require("line_item"), "line_item", "unknown line item \"" + li_id + "\"");
        if (!creative_ids.insert(id).second) t.fail_at(t.require("id"), "id", "duplicate creative id \"" + id + "\"");
        li->creatives.push_back(config_detail::read_creative(t, advertiser_of(model, *li)));
    }
}

}  // namespace

CampaignModel overlay_model(const CampaignModel& base, const toml::value& overlay, const std::string& source_name) {
    using namespace config_detail;
    const TomlTable root(overlay, "", source_name, {"advertiser", "campaign", "line_item", "creative"});
    CampaignModel model = base;
    refuse_base_ids(overlay, "advertiser", base.advertisers, source_name);
    refuse_base_ids(overlay, "campaign", base.campaigns, source_name);
    refuse_base_ids(overlay, "line_item", base.line_items, source_name);
    append(model.advertisers, read_advertisers(root));
    append(model.campaigns, read_campaigns(root, model.advertisers));
    append(model.line_items, read_line_items(root, model.advertisers, model.campaigns, CreativeRule::may_be_empty));
    attach_creatives(root, model);
    return model;
}

}  // namespace bidline
