#include "bidline/engine/engine_state.h"

#include <stdexcept>
#include <thread>

namespace bidline {

EngineState::EngineState(const Config& config, const Clock& c) : settings(config.engine), online_learning(config.models.online), alerts(config.alerts), clock(c) {
    if (settings.shards == 0) settings.shards = std::max(1u, std::thread::hardware_concurrency());
    notice_base_url = settings.notice_base_url.empty()
                          ? "http://" + settings.listen_host + ":" + std::to_string(settings.listen_port)
                          : settings.notice_base_url;
    auto cat = Catalog::build(config.campaigns);
    if (cat->line_item_capacity() > kMaxLineItems)
        throw std::invalid_argument("more than " + std::to_string(kMaxLineItems) + " line items");
    catalog.publish(cat);
    auto cs = std::make_shared<ControlState>();
    cs->catalog_version = cat->version();
    cs->live = LineItemSet(cat->line_item_capacity());  // nothing live until the first control tick
    control.publish(std::move(cs));
    models.publish(std::make_shared<ModelSet>());  // none until the registry publishes
    stats_json.publish(std::make_shared<const std::string>("{}"));
    metrics_text.publish(std::make_shared<const std::string>(""));
    for (std::uint32_t i = 0; i < settings.shards; ++i)
        shards.push_back(std::make_unique<ShardResources>(static_cast<std::uint16_t>(i)));
}

}  // namespace bidline
