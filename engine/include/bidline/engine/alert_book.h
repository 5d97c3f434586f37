// The alerts' state: which rule fires for which campaign or line item, since
// when, and what went back to normal. One book serves GET /v1/alerts, the
// dashboard's "Active alerts", the log and the webhook.
//
// Threads: the control thread owns the book. Each evaluation it opens a
// round (begin), reports a Reading per rule and subject it could judge, and
// closes the round (end), which returns the transitions: alerts that fired
// and alerts that resolved. An active alert no reading named this round (its
// line item was removed, the rule was switched off) resolves; a reading
// with Verdict::unknown (too little data to judge) keeps an alert as it is.
// Any thread may read the published list (published()).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/snapshot.h"

namespace bidline {

class JsonWriter;

enum class AlertRule : std::uint8_t { ctr_drop, cpc_high, budget_early, spend_stalled, model_drift };
enum class AlertSeverity : std::uint8_t { warning, critical };
enum class AlertState : std::uint8_t { active, resolved };
enum class Verdict : std::uint8_t { clear, firing, unknown };

std::string_view to_string(AlertRule);
std::string_view to_string(AlertSeverity);
std::string_view to_string(AlertState);

// What one rule says about one subject this round.
struct Reading {
    AlertRule rule = AlertRule::ctr_drop;
    Verdict verdict = Verdict::clear;
    AlertSeverity severity = AlertSeverity::warning;
    std::string campaign;   // empty for engine-wide subjects (model drift)
    std::string line_item;  // empty for campaign-wide or engine-wide subjects
    std::string subject;    // what the alert is about when neither names it (e.g. "model:click")
    double value = 0, threshold = 0;
    std::string unit;  // "ratio", "micros", "share", "minutes", "psi"
    std::string message;
};

struct Alert {
    std::uint64_t id = 0;
    AlertState state = AlertState::active;
    std::int64_t since_us = 0, resolved_us = 0, updated_us = 0;
    Reading reading;  // the latest (value, threshold, message) while active; the last seen once resolved
};

void write_alert_json(JsonWriter& j, const Alert& a);

struct AlertTransition {
    Alert alert;  // state says which: active = fired, resolved = resolved
};

class AlertBook {
public:
    // Resolved alerts kept for readers (the oldest go first).
    void set_keep_resolved(int n) { keep_resolved_ = n; }

    void begin(std::int64_t now_us);
    void report(Reading r);
    std::vector<AlertTransition> end();

    // Any thread: active alerts first (oldest first), then resolved ones (newest first).
    std::shared_ptr<const std::vector<Alert>> published() const { return published_.load(); }
    std::size_t active_count() const { return active_.size(); }

private:
    static std::string key_of(const Reading& r);
    std::int64_t now_us_ = 0;
    std::uint64_t next_id_ = 1;
    int keep_resolved_ = 200;
    std::map<std::string, Alert> active_;   // by rule + subject
    std::map<std::string, Reading> round_;  // this round's readings, by rule + subject
    std::deque<Alert> resolved_;            // newest first
    Snapshot<std::vector<Alert>> published_{std::make_shared<const std::vector<Alert>>()};
};

}  // namespace bidline
