#include "bidline/engine/alert_book.h"

#include <algorithm>

#include "bidline/engine/json_writer.h"
#include "bidline/engine/utc_text.h"

namespace bidline {
namespace {

void optional_string(JsonWriter& j, std::string_view k, const std::string& v) {
    j.key(k);
    if (v.empty())
        j.null();
    else
        j.value(v);
}

}  // namespace

std::string_view to_string(AlertRule r) {
    switch (r) {
        case AlertRule::ctr_drop:
            return "ctr_drop";
        case AlertRule::cpc_high:
            return "cpc_high";
        case AlertRule::budget_early:
            return "budget_early";
        case AlertRule::spend_stalled:
            return "spend_stalled";
        case AlertRule::model_drift:
            return "model_drift";
    }
    return "unknown";
}
std::string_view to_string(AlertSeverity s) { return s == AlertSeverity::critical ? "critical" : "warning"; }
std::string_view to_string(AlertState s) { return s == AlertState::active ? "active" : "resolved"; }

void write_alert_json(JsonWriter& j, const Alert& a) {
    const Reading& r = a.reading;
    j.begin_object()
        .field("id", a.id)
        .field("rule", to_string(r.rule))
        .field("state", to_string(a.state))
        .field("severity", to_string(r.severity));
    optional_string(j, "campaign", r.campaign);
    optional_string(j, "line_item", r.line_item);
    optional_string(j, "subject", r.subject);
    j.field("since", rfc3339_utc(a.since_us)).field("since_us", a.since_us);
    if (a.state == AlertState::resolved)
        j.field("resolved", rfc3339_utc(a.resolved_us)).field("resolved_us", a.resolved_us);
    else
        j.key("resolved").null().key("resolved_us").null();
    j.field("value", r.value).field("threshold", r.threshold).field("unit", r.unit).field("message", r.message);
    j.end_object();
}

std::string AlertBook::key_of(const Reading& r) {
    std::string k(to_string(r.rule));
    k += '|';
    k += r.campaign;
    k += '|';
    k += r.line_item;
    k += '|';
    k += r.subject;
    return k;
}

void AlertBook::begin(std::int64_t now_us) {
    now_us_ = now_us;
    round_.clear();
}

void AlertBook::report(Reading r) {
    std::string k = key_of(r);
    round_.insert_or_assign(std::move(k), std::move(r));
}

std::vector<AlertTransition> AlertBook::end() {
    std::vector<AlertTransition> out;
    for (auto it = active_.begin(); it != active_.end();) {
        const auto seen = round_.find(it->first);
        const Verdict v = seen == round_.end() ? Verdict::clear : seen->second.verdict;
        if (seen != round_.end() && v != Verdict::unknown) it->second.reading = seen->second;
        if (v != Verdict::clear) {
            if (v == Verdict::firing) it->second.updated_us = now_us_;
            ++it;
            continue;
        }
        Alert a = std::move(it->second);
        a.state = AlertState::resolved;
        a.resolved_us = a.updated_us = now_us_;
        out.push_back({a});
        resolved_.push_front(std::move(a));
        it = active_.erase(it);
    }
    for (auto& [k, r] : round_) {
        if (r.verdict != Verdict::firing || active_.contains(k)) continue;
        Alert a{
            .id = next_id_++, .state = AlertState::active, .since_us = now_us_, .updated_us = now_us_, .reading = r};
        out.push_back({a});
        active_.emplace(k, std::move(a));
    }
    while (resolved_.size() > static_cast<std::size_t>(keep_resolved_)) resolved_.pop_back();

    auto list = std::make_shared<std::vector<Alert>>();
    list->reserve(active_.size() + resolved_.size());
    for (const auto& [k, a] : active_) list->push_back(a);
    std::sort(list->begin(), list->end(), [](const Alert& x, const Alert& y) { return x.id < y.id; });
    list->insert(list->end(), resolved_.begin(), resolved_.end());
    published_.publish(std::move(list));
    return out;
}

}  // namespace bidline
