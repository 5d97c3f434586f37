// Locks here are off the hot path: the mutex guards the optimizer's own state
// and is taken by its thread and by /v1/optimizer handlers for a copy at a
// time, never by the bid path or across a fit.
#include "bidline/engine/optimizer_service.h"


#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "bidline/engine/daily_series.h"
#include "bidline/engine/json_writer.h"
#include "bidline/engine/thread_priority.h"
#include "bidline/models/mmm/media_mix_model.h"
#include "bidline/pacing/budget_optimizer.h"

namespace bidline {
namespace {

std::string day_label(std::int64_t day) {
    using namespace std::chrono;
    const year_month_day d{sys_days{days{day}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

std::optional<std::int64_t> parse_day(std::string_view s) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (s.size() != 10 || std::sscanf(std::string(s).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t from = 0;;) {
        const std::size_t at = s.find(sep, from);
        out.push_back(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos) return out;
        from = at + 1;
    }
}

double to_units(std::int64_t micros) { return static_cast<double>(micros) / 1e6; }
std::int64_t to_micros(double units) { return static_cast<std::int64_t>(std::llround(units * 1e6)); }

}  // namespace

std::int64_t step_budget(std::int64_t day_start, std::int64_t target, double max_change) {
    const auto reach = static_cast<std::int64_t>(std::llround(static_cast<double>(day_start) * max_change));
    return std::clamp(target, std::max<std::int64_t>(0, day_start - reach), day_start + reach);
}

OptimizerService::OptimizerService(EngineState& state, OptimizerOptions options) : state_(state), options_(options) {
    const auto catalog = state_.catalog.load();
    const std::int64_t today = utc_day(state_.clock.now().time_since_epoch().count());
    for (const CompiledCampaign& c : catalog->campaigns()) {
        const std::int64_t b = c.model.daily_budget.value();
        if (b > 0) applied_[c.model.id.value] = {b, b, b, b, today, false};
    }
}

OptimizerService::~OptimizerService() { stop(); }

void OptimizerService::start() {
    thread_ = std::thread([this] { loop(); });
}

void OptimizerService::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OptimizerService::request_run() {
    {
        std::lock_guard lock(mutex_);
        run_requested_ = true;
    }
    wake_.notify_all();
}

void OptimizerService::loop() {
    // Below the shards and the control loop when they share a core.
    lower_this_thread_priority();
    auto last_run = std::chrono::steady_clock::now();
    for (;;) {
        bool run = false;
        {
            std::unique_lock lock(mutex_);
            // Wakes each second to step budgets across a day change.
            wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || run_requested_; });
            if (stop_) return;
            run = run_requested_ || std::chrono::steady_clock::now() - last_run >= options_.interval;
            run_requested_ = false;
        }
        if (run) {
            last_run = std::chrono::steady_clock::now();
            run_once();
        }
        apply();
    }
}

DailySeries OptimizerService::merged_history() const {
    DailySeries merged = *state_.daily_series.snapshot();
    std::lock_guard lock(mutex_);
    for (const auto& [campaign, days] : imported_.campaigns)
        for (const auto& [day, v] : days) {
            CampaignDay& d = merged.campaigns[campaign][day];
            d.spend_micros += v.spend_micros;
            d.conversions += v.conversions;
            d.value_micros += v.value_micros;
        }
    return merged;
}

void OptimizerService::run_once() {
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t now_us = state_.clock.now().time_since_epoch().count();
    const std::int64_t today = utc_day(now_us);
    const DailySeries history = merged_history();
    std::map<std::string, std::int64_t> budgets, overrides;  // campaigns the plan may move, at their current budgets
    {
        std::lock_guard lock(mutex_);
        ++runs_;
        status_ = "fitting";
        overrides = overrides_;
        for (const auto& [id, a] : applied_)
            if (!a.overridden) budgets[id] = a.current_micros;
    }
    // Complete days only (today is still running), up to the last day with
    // data (a gap at the end, e.g. the engine was down, is not zero spend),
    // the most recent max_days of them.
    std::int64_t first = today, last = today - 1 - options_.max_days;
    for (const auto& [id, days] : history.campaigns)
        if (budgets.count(id))
            for (const auto& [day, v] : days)
                if (day < today) first = std::min(first, day), last = std::max(last, day);
    first = std::max(first, last - options_.max_days + 1);
    const std::size_t n = last >= first ? static_cast<std::size_t>(last - first + 1) : 0;

    auto finish = [&](std::string status, std::string error, std::optional<FitSummary> fit,
                      std::optional<OptimizerPlan> plan) {
        std::lock_guard lock(mutex_);
        status_ = std::move(status);
        error_ = std::move(error);
        if (fit) last_fit_ = std::move(fit);
        if (plan) plan_ = std::move(plan);
    };
    if (budgets.empty())
        return finish("no_campaigns", "no campaign with a daily budget to plan", std::nullopt, std::nullopt);
    if (n < static_cast<std::size_t>(options_.min_days))
        return finish(
            "insufficient_history",
            std::to_string(n) + " complete days of history, the fit needs " + std::to_string(options_.min_days),
            std::nullopt, std::nullopt);

    mmm::MediaSeries series;
    series.outcome.assign(n, 0.0);
    std::vector<double> conversions(n, 0.0);
    bool has_value = false;
    for (std::size_t t = 0; t < n; ++t) series.periods.push_back(day_label(first + static_cast<std::int64_t>(t)));
    std::vector<double> max_spend;
    for (const auto& [id, budget] : budgets) {
        mmm::NamedSeries spend{id, std::vector<double>(n, 0.0)};
        if (auto it = history.campaigns.find(id); it != history.campaigns.end())
            for (const auto& [day, v] : it->second) {
                if (day < first || day > last) continue;
                const auto t = static_cast<std::size_t>(day - first);
                spend.values[t] = to_units(v.spend_micros);
                series.outcome[t] += to_units(v.value_micros);
                conversions[t] += static_cast<double>(v.conversions);
                has_value = has_value || v.value_micros != 0;
            }
        max_spend.push_back(*std::max_element(spend.values.begin(), spend.values.end()));
        series.channels.push_back(std::move(spend));
    }
    if (!has_value) series.outcome = conversions;

    mmm::MmmOptions o;
    o.season_period = 365.25;  // the yearly pair only once a year of days is seen
    o.week_period = 7;
    o.max_lag = 7;
    o.bootstrap_draws = options_.bootstrap_draws;
    mmm::MediaMixResult fit;
    try {
        fit = mmm::fit_media_mix(series, o);
    } catch (const std::exception& e) {
        return finish("fit_failed", e.what(), std::nullopt, std::nullopt);
    }
    FitSummary summary{now_us,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                       n,
                       fit.fit.r2,
                       fit.fit.r2_test,
                       has_value ? "conversion_value" : "conversions"};

    std::vector<ChannelCurve> curves;
    double total = 0;
    std::size_t i = 0;
    for (const auto& [id, budget] : budgets) {
        const mmm::ChannelEstimate& c = fit.channels[i];
        ChannelCurve curve;
        curve.name = id;
        curve.shape = c.saturation.kind == mmm::SaturationKind::hill ? CurveShape::hill : CurveShape::logistic;
        curve.beta = c.beta;
        curve.kappa = c.saturation.kappa;
        curve.slope = c.saturation.slope;
        curve.current = to_units(budget);
        // The curve is only known where the campaign has spent: no plan past a multiple of its largest day.
        curve.upper = std::max(options_.spend_ceiling * max_spend[i], curve.current);
        curve.beta_sd = c.beta_sd;
        curves.push_back(curve);
        total += to_units(budget);
        ++i;
    }
    BudgetAllocation allocation;
    try {
        allocation = maximize_response(curves, total);
    } catch (const std::exception& e) {
        return finish("plan_failed", e.what(), summary, std::nullopt);
    }
    OptimizerPlan plan;
    plan.made_us = now_us;
    plan.expected_response = allocation.response;
    plan.approved = !options_.require_approval;
    i = 0;
    for (const auto& [id, budget] : budgets) {
        const mmm::ChannelEstimate& c = fit.channels[i];
        plan.campaigns.push_back({id, budget, to_micros(allocation.channels[i].spend), c.roi, c.mroi, c.share});
        ++i;
    }
    spdlog::info("optimizer: fitted {} days × {} campaigns in {:.2f} s (R² {:.3f}); plan {}", n, budgets.size(),
                 summary.seconds, summary.r2, plan.approved ? "applied" : "waiting for approval");
    finish(plan.approved ? "plan_active" : "plan_pending_approval", "", summary, std::move(plan));
}

void OptimizerService::apply() {
    const std::int64_t today = utc_day(state_.clock.now().time_since_epoch().count());
    std::map<std::string, std::int64_t> changed;
    {
        std::lock_guard lock(mutex_);
        std::map<std::string, std::int64_t> targets;
        if (plan_ && plan_->approved)
            for (const CampaignPlan& c : plan_->campaigns) targets[c.campaign] = c.recommended_micros;
        const auto catalog = state_.catalog.load();
        for (auto& [id, a] : applied_) {
            // A budget this service did not set (a reload of the configuration
            // changed it) is the campaign's budget now: adopt it rather than
            // put back the one from before.
            if (const CompiledCampaign* c = catalog->find_campaign(id);
                c != nullptr && c->model.daily_budget.value() != a.current_micros) {
                a.configured_micros = a.current_micros = a.day_start_micros = c->model.daily_budget.value();
            }
            if (a.day != today) a.day = today, a.day_start_micros = a.current_micros;
            a.overridden = overrides_.count(id) > 0;
            if (a.overridden) {
                a.target_micros = overrides_[id];
                a.current_micros = a.target_micros;  // an operator's pin applies at once
            } else if (auto it = targets.find(id); it != targets.end()) {
                a.target_micros = it->second;
                a.current_micros = step_budget(a.day_start_micros, a.target_micros, options_.max_daily_change);
            }
        }
        for (const CompiledCampaign& c : catalog->campaigns())
            if (auto it = applied_.find(c.model.id.value);
                it != applied_.end() && it->second.current_micros != c.model.daily_budget.value())
                changed[it->first] = it->second.current_micros;
    }
    if (changed.empty()) return;
    std::lock_guard writer(state_.catalog_writer);  // off the bid path: with campaign reloads only
    const auto current = state_.catalog.load();
    CampaignModel model = current->model();
    for (Campaign& c : model.campaigns)
        if (auto it = changed.find(c.id.value); it != changed.end()) c.daily_budget = Micros{it->second};
    state_.catalog.publish(Catalog::build(model, current.get()));
}

bool OptimizerService::approve() {
    {
        std::lock_guard lock(mutex_);
        if (!plan_ || plan_->approved) return false;
        plan_->approved = true;
        status_ = "plan_active";
    }
    wake_.notify_all();
    return true;
}

bool OptimizerService::set_override(const std::string& campaign, std::optional<std::int64_t> budget_micros) {
    {
        std::lock_guard lock(mutex_);
        if (!applied_.count(campaign)) return false;
        if (budget_micros)
            overrides_[campaign] = *budget_micros;
        else
            overrides_.erase(campaign);
    }
    wake_.notify_all();
    return true;
}

std::size_t OptimizerService::import_history(std::string_view csv) {
    DailySeries parsed;
    std::size_t rows = 0, line_no = 0;
    for (std::string_view line : split(csv, '\n')) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.starts_with("date,")) continue;
        const auto f = split(line, ',');
        auto fail = [&](const std::string& why) {
            return std::invalid_argument("line " + std::to_string(line_no) + ": " + why);
        };
        if (f.size() != 5) throw fail("expected date,campaign,spend,conversions,value");
        const auto day = parse_day(f[0]);
        if (!day) throw fail("bad date '" + std::string(f[0]) + "'");
        double spend = 0, conversions = 0, value = 0;
        try {
            spend = std::stod(std::string(f[2]));
            conversions = std::stod(std::string(f[3]));
            value = std::stod(std::string(f[4]));
        } catch (const std::exception&) {
            throw fail("not a number");
        }
        if (!(spend >= 0) || !(conversions >= 0) || !(value >= 0)) throw fail("negative or non-finite value");
        CampaignDay& d = parsed.campaigns[std::string(f[1])][*day];
        d.spend_micros += to_micros(spend);
        d.conversions += static_cast<std::uint64_t>(std::llround(conversions));
        d.value_micros += to_micros(value);
        ++rows;
    }
    std::lock_guard lock(mutex_);
    for (auto& [campaign, days] : parsed.campaigns)
        for (auto& [day, v] : days) imported_.campaigns[campaign][day] = v;  // a re-import replaces the day
    return rows;
}

std::string OptimizerService::render_json() const {
    std::lock_guard lock(mutex_);
    JsonWriter j;
    j.begin_object().field("status", std::string_view(status_));
    if (!error_.empty()) j.field("message", std::string_view(error_));
    j.field("runs", runs_);
    j.key("options")
        .begin_object()
        .field("interval_s", static_cast<std::int64_t>(options_.interval.count()))
        .field("min_days", options_.min_days)
        .field("max_daily_change", options_.max_daily_change)
        .field("require_approval", options_.require_approval)
        .end_object();
    j.key("last_fit");
    if (last_fit_) {
        j.begin_object()
            .field("finished_us", last_fit_->finished_us)
            .field("seconds", last_fit_->seconds)
            .field("days", static_cast<std::uint64_t>(last_fit_->days))
            .field("r2", last_fit_->r2)
            .field("outcome", std::string_view(last_fit_->outcome));
        j.key("r2_test");
        if (last_fit_->r2_test)
            j.value(*last_fit_->r2_test);
        else
            j.null();
        j.end_object();
    } else {
        j.null();
    }
    j.key("plan");
    if (plan_) {
        j.begin_object()
            .field("made_us", plan_->made_us)
            .field("approved", plan_->approved)
            .field("expected_response_per_day", plan_->expected_response);
        j.key("campaigns").begin_array();
        for (const CampaignPlan& c : plan_->campaigns)
            j.begin_object()
                .field("campaign", std::string_view(c.campaign))
                .field("budget_micros", c.budget_micros)
                .field("recommended_micros", c.recommended_micros)
                .field("roi", c.roi)
                .field("mroi", c.mroi)
                .field("share", c.share)
                .end_object();
        j.end_array().end_object();
    } else {
        j.null();
    }
    j.key("applied").begin_array();
    for (const auto& [id, a] : applied_)
        j.begin_object()
            .field("campaign", std::string_view(id))
            .field("configured_micros", a.configured_micros)
            .field("day_start_micros", a.day_start_micros)
            .field("current_micros", a.current_micros)
            .field("target_micros", a.target_micros)
            .field("overridden", a.overridden)
            .end_object();
    j.end_array().end_object();
    return j.take();
}

}  // namespace bidline
