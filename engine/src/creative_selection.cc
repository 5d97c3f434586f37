#include "bidline/engine/creative_selection.h"

#include <chrono>

namespace bidline {
namespace {

// Posteriors move with every impression; republishing a few times a
// minute keeps sampling current without copying every bandit each tick.
constexpr std::int64_t kPublishEveryUs = 5'000'000;

models::BanditTime at(std::int64_t t_us) { return models::BanditTime{std::chrono::microseconds{t_us}}; }

}  // namespace

CreativeSelection::CreativeSelection(const models::CreativeBanditConfig& config) : config_(config) {}

void CreativeSelection::sync(const Catalog& catalog) {
    const auto& items = catalog.line_items();
    if (by_line_item_.size() < items.size()) by_line_item_.resize(items.size());
    for (const CompiledLineItem& li : items) {
        auto& slot = by_line_item_[li.index.value];
        if (!li.present || li.model.creatives.size() < 2) {
            changed_ = changed_ || slot != nullptr;
            slot.reset();
            continue;
        }
        std::vector<std::string> ids;
        for (const Creative& c : li.model.creatives) ids.push_back(c.id.value);
        if (slot && slot->creative_ids == ids) continue;
        slot = std::make_unique<Entry>(Entry{std::move(ids), models::CreativeBandit(li.model.creatives.size(), config_)});
        changed_ = true;
    }
    if (templates_.size() < items.size()) templates_.resize(items.size());
    for (const CompiledLineItem& li : items) sync_templates(li);
}

void CreativeSelection::sync_templates(const CompiledLineItem& li) {
    auto& entry = templates_[li.index.value];
    std::string signature;
    for (const Creative& c : li.model.creatives) {
        if (c.slots.empty()) continue;
        signature.append(c.id.value).push_back('\n');
        for (const TemplateSlot& s : c.slots) {
            signature.append(s.name).push_back('\t');
            for (const std::string& v : s.variants) signature.append(v).push_back('\t');
        }
    }
    if (!li.present || signature.empty()) {
        changed_ = changed_ || entry != nullptr;
        entry.reset();
        return;
    }
    if (entry && entry->signature == signature) return;
    entry = std::make_unique<TemplateEntry>();
    entry->signature = std::move(signature);
    for (std::size_t c = 0; c < li.model.creatives.size() && c < kUnknownCreative; ++c)
        for (std::size_t k = 0; k < li.model.creatives[c].slots.size() && k < kMaxTemplateSlots; ++k)
            entry->slots.push_back(SlotBandit{static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(k),
                                              models::CreativeBandit(li.model.creatives[c].slots[k].variants.size(), config_),
                                              std::nullopt});
    changed_ = true;
}

void CreativeSelection::record_impression(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us,
                                          const VariantChoice& variants) {
    record(line_item, creative, 1, 0, t_us, variants);
}

void CreativeSelection::record_click(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us,
                                     const VariantChoice& variants) {
    record(line_item, creative, 0, 1, t_us, variants);
}

void CreativeSelection::record(std::uint32_t line_item, std::uint8_t creative, double impressions, double clicks,
                               std::int64_t t_us, const VariantChoice& variants) {
    if (line_item < templates_.size() && templates_[line_item]) {
        for (SlotBandit& s : templates_[line_item]->slots) {
            const std::uint8_t v = variants[s.slot];
            if (s.creative != creative || v == kNoVariant || v >= s.bandit.size()) continue;
            s.bandit.record(v, impressions, clicks, at(t_us));
            changed_ = true;
        }
    }
    if (line_item >= by_line_item_.size() || !by_line_item_[line_item]) return;
    models::CreativeBandit& bandit = by_line_item_[line_item]->bandit;
    if (creative >= bandit.size()) return;  // not an index of this line item's creatives (0xff: unknown)
    bandit.record(creative, impressions, clicks, at(t_us));
    changed_ = true;
}

void CreativeSelection::tick(std::int64_t now_us) {
    const std::int64_t bucket = now_us / std::chrono::duration_cast<std::chrono::microseconds>(config_.bucket).count();
    if (bucket != evaluated_bucket_) {  // a bucket closed: re-test every creative
        for (auto& e : by_line_item_)
            if (e) e->bandit.evaluate(at(now_us));
        for (auto& t : templates_)
            if (t)
                for (SlotBandit& s : t->slots) s.bandit.evaluate(at(now_us));
        evaluated_bucket_ = bucket;
        changed_ = true;
    }
    if (changed_ && (now_us - published_us_ >= kPublishEveryUs || !published_)) {
        publish();
        published_us_ = now_us;
    }
}

void CreativeSelection::publish() {
    auto choices = std::make_shared<CreativeChoices>();
    choices->slot.assign(by_line_item_.size(), CreativeChoices::kNone);
    for (std::size_t i = 0; i < by_line_item_.size(); ++i) {
        if (!by_line_item_[i]) continue;
        choices->slot[i] = static_cast<std::uint32_t>(choices->bandits.size());
        choices->bandits.push_back(by_line_item_[i]->bandit.snapshot());
    }
    choices->variant_set_of.assign(templates_.size(), CreativeChoices::kNone);
    for (std::size_t i = 0; i < templates_.size(); ++i) {
        if (!templates_[i]) continue;
        std::vector<std::uint32_t> set;
        for (SlotBandit& s : templates_[i]->slots) {
            const std::size_t k = std::size_t{s.creative} * kMaxTemplateSlots + s.slot;
            if (set.size() <= k) set.resize(k + 1, CreativeChoices::kNone);
            set[k] = static_cast<std::uint32_t>(choices->variant_bandits.size());
            s.published = s.bandit.snapshot();
            choices->variant_bandits.push_back(*s.published);
        }
        choices->variant_set_of[i] = static_cast<std::uint32_t>(choices->variant_sets.size());
        choices->variant_sets.push_back(std::move(set));
    }
    published_ = std::move(choices);
    changed_ = false;
}

void CreativeSelection::write_json(JsonWriter& j, const CompiledLineItem& li) const {
    write_templates(j, li);
    if (li.index.value >= by_line_item_.size() || !by_line_item_[li.index.value]) return;
    const Entry& e = *by_line_item_[li.index.value];
    j.key("creatives").begin_array();
    for (std::uint32_t i = 0; i < e.bandit.size(); ++i) {
        const models::CreativeStatus& s = e.bandit.status(i);
        j.begin_object()
            .field("id", e.creative_ids[i])
            .field("state", models::to_string(s.state))
            .field("impressions", s.impressions)
            .field("clicks", s.clicks)
            .field("ctr", s.impressions > 0 ? s.clicks / s.impressions : 0.0)
            .field("recent_impressions", s.recent_impressions)
            .field("recent_clicks", s.recent_clicks)
            .field("reason", s.reason)
            .end_object();
    }
    j.end_array();
}

// Per template creative, per slot, per variant: the counts the slot's
// bandit learned and the posterior mean CTR the bid path samples around
// (from the last published snapshot; 0 before the first).
void CreativeSelection::write_templates(JsonWriter& j, const CompiledLineItem& li) const {
    if (li.index.value >= templates_.size() || !templates_[li.index.value]) return;
    const auto& slots = templates_[li.index.value]->slots;
    j.key("templates").begin_array();
    for (std::size_t k = 0; k < slots.size(); ++k) {
        const SlotBandit& s = slots[k];
        const Creative& creative = li.model.creatives[s.creative];
        if (k == 0 || slots[k - 1].creative != s.creative)
            j.begin_object().field("creative", creative.id.value).key("slots").begin_array();
        const TemplateSlot& slot = creative.slots[s.slot];
        j.begin_object().field("slot", slot.name).key("variants").begin_array();
        for (std::uint32_t v = 0; v < s.bandit.size(); ++v) {
            const models::CreativeStatus& st = s.bandit.status(v);
            double mean = 0;
            if (s.published && v < s.published->size()) mean = s.published->arm(v).a / (s.published->arm(v).a + s.published->arm(v).b);
            j.begin_object()
                .field("index", std::uint64_t{v})
                .field("text", slot.variants[v])
                .field("state", models::to_string(st.state))
                .field("impressions", st.impressions)
                .field("clicks", st.clicks)
                .field("posterior_mean", mean)
                .end_object();
        }
        j.end_array().end_object();
        if (k + 1 == slots.size() || slots[k + 1].creative != s.creative) j.end_array().end_object();
    }
    j.end_array();
}

}  // namespace bidline
