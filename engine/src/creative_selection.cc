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
}

void CreativeSelection::record_impression(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us) {
    record(line_item, creative, 1, 0, t_us);
}

void CreativeSelection::record_click(std::uint32_t line_item, std::uint8_t creative, std::int64_t t_us) {
    record(line_item, creative, 0, 1, t_us);
}

void CreativeSelection::record(std::uint32_t line_item, std::uint8_t creative, double impressions, double clicks,
                               std::int64_t t_us) {
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
    published_ = std::move(choices);
    changed_ = false;
}

void CreativeSelection::write_json(JsonWriter& j, const CompiledLineItem& li) const {
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

}  // namespace bidline
