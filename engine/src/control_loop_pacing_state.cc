// Saving and resuming the pacing state (pacing_state.h). Control thread
// only (set_pacing_state_dir: before start()).
#include <spdlog/spdlog.h>

#include <filesystem>

#include "bidline/engine/control_loop.h"
#include "bidline/engine/durable_file.h"

namespace bidline {
namespace {

// Adjustments kept across a restart: enough for a connector that was down
// for a few hours; older ones are reported as truncated.
constexpr std::size_t kSavedAdjustments = 2'000;
constexpr const char* kFile = "state.json";

SavedGate save_gate(const AdjustmentGate& g) {
    return g.last() ? SavedGate{true, *g.last(), g.last_us()} : SavedGate{};
}

}  // namespace

void ControlLoop::set_pacing_state_dir(const std::filesystem::path& dir) {
    pacing_state_dir_ = dir;
    const std::filesystem::path file = dir / kFile;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return;
    PacingState saved;
    try {
        saved = parse_pacing_state(read_whole_file(file));
    } catch (const std::exception& e) {
        // Keep the damaged file for inspection; pace afresh (spend itself
        // comes from the event log, so budgets stay safe either way).
        const auto aside = dir / (std::string(kFile) + ".damaged");
        std::filesystem::rename(file, aside, ec);
        spdlog::error("pacing: {}: {}; set aside as {}, pacing starts afresh", file.string(), e.what(), aside.string());
        return;
    }
    if (!traffic_.restore(saved.traffic_requests, saved.traffic_seconds))
        spdlog::warn("pacing: {}: the traffic profile has negative or non-finite counts; it starts afresh", file.string());
    resumed_line_items_ = std::move(saved.line_items);
    for (auto& [id, m] : saved.managed) {
        ManagedCampaign& c = managed_[id];
        c.bid_field = m.bid_field;
        if (m.bid.sent) c.bid.sent(m.bid.value, m.bid.time_us);
        if (m.budget.sent) c.budget.sent(m.budget.value, m.budget.time_us);
        resumed_managed_.emplace(id, std::move(m.controller));
    }
    adjustments_.restore(std::move(saved.adjustments));
    spdlog::info("pacing: resumed {} line items and {} managed campaigns from {}", resumed_line_items_.size(),
                 resumed_managed_.size(), file.string());
}

void ControlLoop::resume_controller(std::unordered_map<std::string, SavedController>& saved, const std::string& id,
                                    PacingController& controller, double& multiplier, double* pass) {
    const auto it = saved.find(id);
    if (it == saved.end()) return;
    // Another kind of controller (the strategy or the default changed) starts afresh.
    if (it->second.name == controller.name() && controller.restore(it->second.state)) {
        multiplier = it->second.multiplier;
        if (pass != nullptr) *pass = it->second.pass;
    }
    saved.erase(it);
}

void ControlLoop::save_pacing_state(std::int64_t now_us) {
    pacing_saved_us_ = now_us;
    if (pacing_state_dir_.empty() || !catalog_) return;
    PacingState s;
    s.saved_us = now_us;
    s.traffic_requests = traffic_.requests();
    s.traffic_seconds = traffic_.seconds();
    // What was not taken up yet (line items paused or not ticked since the
    // start) stays saved; live controllers overwrite it.
    s.line_items = resumed_line_items_;
    for (const CompiledLineItem& li : catalog_->line_items()) {
        if (!li.present || li.index.value >= pacing_.size() || !pacing_[li.index.value].controller) continue;
        const LineItemPacing& p = pacing_[li.index.value];
        s.line_items[li.model.id.value] = SavedController{std::string(p.controller->name()), p.controller->state(),
                                                          p.multiplier, p.pass};
    }
    for (const auto& [id, c] : resumed_managed_) s.managed[id].controller = c;
    for (const auto& [id, m] : managed_) {
        SavedManagedCampaign& out = s.managed[id];
        if (m.controller)
            out.controller = SavedController{std::string(m.controller->name()), m.controller->state(), m.multiplier, 1.0};
        out.bid_field = m.bid_field;
        out.bid = save_gate(m.bid);
        out.budget = save_gate(m.budget);
    }
    s.adjustments = adjustments_.newest(kSavedAdjustments);
    try {
        std::filesystem::create_directories(pacing_state_dir_);
        write_file_durably(pacing_state_dir_ / kFile, to_json(s));
    } catch (const std::exception& e) {
        spdlog::error("pacing: cannot save its state: {}", e.what());  // retried at the next save
    }
}

}  // namespace bidline
