#include "bidline/engine/pacing_state.h"

#include <simdjson.h>

#include <initializer_list>
#include <utility>
#include <stdexcept>

#include "bidline/engine/json_writer.h"

namespace bidline {
namespace {

void write_controller(JsonWriter& j, const SavedController& c) {
    j.begin_object().field("name", c.name).key("state").begin_array();
    for (double v : c.state) j.exact(v);
    j.end_array().key("multiplier").exact(c.multiplier).key("pass").exact(c.pass).end_object();
}

void write_gate(JsonWriter& j, const SavedGate& g) {
    if (!g.sent) {
        j.null();
        return;
    }
    j.begin_object().field("value_micros", g.value).field("time_us", g.time_us).end_object();
}

[[noreturn]] void fail(std::string_view what) {
    throw std::runtime_error("pacing state: " + std::string(what));
}

template <class T>
T get(simdjson::simdjson_result<T> r, std::string_view what) {
    T v;
    if (std::move(r).get(v) != simdjson::SUCCESS) fail(what);
    return v;
}

double number(simdjson::dom::element e, std::string_view what) {
    double d = 0;
    if (e.get_double().get(d) == simdjson::SUCCESS) return d;
    std::int64_t i = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
    std::uint64_t u = 0;
    if (e.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<double>(u);
    fail(std::string(what) + " is not a number");
}

template <class E>
E enum_named(std::string_view name, std::initializer_list<E> values, std::string_view what) {
    for (E v : values)
        if (to_string(v) == name) return v;
    fail(std::string(what) + ": unknown value \"" + std::string(name) + "\"");
}

SavedController read_controller(simdjson::dom::object o) {
    SavedController c;
    c.name = std::string(get(o["name"].get_string(), "controller name"));
    for (simdjson::dom::element v : get(o["state"].get_array(), "controller state")) c.state.push_back(number(v, "state"));
    c.multiplier = number(get(o["multiplier"], "multiplier"), "multiplier");
    c.pass = number(get(o["pass"], "pass"), "pass");
    return c;
}

SavedGate read_gate(simdjson::dom::element e) {
    if (e.is_null()) return {};
    simdjson::dom::object o = get(e.get_object(), "gate");
    return SavedGate{true, get(o["value_micros"].get_int64(), "gate value_micros"),
                     get(o["time_us"].get_int64(), "gate time_us")};
}

Adjustment read_adjustment(simdjson::dom::object o) {
    Adjustment a;
    a.seq = get(o["seq"].get_uint64(), "adjustment seq");
    a.time_us = get(o["time_us"].get_int64(), "adjustment time_us");
    a.campaign = std::string(get(o["campaign"].get_string(), "adjustment campaign"));
    const std::string_view platform = get(o["platform"].get_string(), "adjustment platform");
    a.platform = parse_ad_platform(platform).value_or(AdPlatform::none);
    a.platform_campaign_id = std::string(get(o["platform_campaign_id"].get_string(), "platform_campaign_id"));
    a.kind = enum_named(get(o["kind"].get_string(), "kind"), {AdjustmentKind::bid, AdjustmentKind::budget}, "kind");
    a.field = enum_named(get(o["field"].get_string(), "field"),
                         {AdjustmentField::target_cpa, AdjustmentField::target_roas, AdjustmentField::max_cpc,
                          AdjustmentField::daily_budget},
                         "field");
    a.value_micros = get(o["value_micros"].get_int64(), "value_micros");
    if (simdjson::dom::element prev; o["previous_value_micros"].get(prev) == simdjson::SUCCESS && !prev.is_null())
        a.previous_micros = get(prev.get_int64(), "previous_value_micros");
    a.reason = enum_named(get(o["reason"].get_string(), "reason"),
                          {AdjustmentReason::initial, AdjustmentReason::controller, AdjustmentReason::optimizer_plan,
                           AdjustmentReason::manual_override, AdjustmentReason::safety_clamp},
                          "reason");
    a.multiplier = number(get(o["multiplier"], "multiplier"), "multiplier");
    return a;
}

}  // namespace

std::string to_json(const PacingState& s) {
    JsonWriter j;
    j.begin_object().field("version", PacingState::kVersion).field("saved_us", s.saved_us);
    j.key("traffic").begin_object().key("requests").begin_array();
    for (double v : s.traffic_requests) j.exact(v);
    j.end_array().key("seconds").begin_array();
    for (double v : s.traffic_seconds) j.exact(v);
    j.end_array().end_object();
    j.key("line_items").begin_object();
    for (const auto& [id, c] : s.line_items) {
        j.key(id);
        write_controller(j, c);
    }
    j.end_object().key("managed").begin_object();
    for (const auto& [id, m] : s.managed) {
        j.key(id).begin_object().key("controller");
        write_controller(j, m.controller);
        j.field("bid_field", to_string(m.bid_field)).key("bid");
        write_gate(j, m.bid);
        j.key("budget");
        write_gate(j, m.budget);
        j.end_object();
    }
    j.end_object().field("adjustments_evicted_through", s.adjustments.evicted_through).key("adjustments").begin_array();
    for (const Adjustment& a : s.adjustments.adjustments) write_json(j, a);
    j.end_array().end_object();
    return j.take();
}

PacingState parse_pacing_state(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::object root = get(parser.parse(json.data(), json.size()).get_object(), "not a JSON object");
    if (get(root["version"].get_int64(), "version") != PacingState::kVersion) fail("written by another version");
    PacingState s;
    s.saved_us = get(root["saved_us"].get_int64(), "saved_us");
    const auto read_hours = [](simdjson::dom::object traffic, const char* key, std::array<double, 168>& out) {
        simdjson::dom::array a = get(traffic[key].get_array(), "traffic");
        if (a.size() != out.size()) fail("traffic needs 168 hours");
        std::size_t h = 0;
        for (simdjson::dom::element v : a) out[h++] = number(v, "traffic");
    };
    simdjson::dom::object traffic = get(root["traffic"].get_object(), "traffic");
    read_hours(traffic, "requests", s.traffic_requests);
    read_hours(traffic, "seconds", s.traffic_seconds);
    for (auto [id, c] : get(root["line_items"].get_object(), "line_items"))
        s.line_items.emplace(std::string(id), read_controller(get(c.get_object(), "line item")));
    for (auto [id, m] : get(root["managed"].get_object(), "managed")) {
        simdjson::dom::object o = get(m.get_object(), "managed campaign");
        SavedManagedCampaign saved;
        saved.controller = read_controller(get(o["controller"].get_object(), "managed controller"));
        saved.bid_field = enum_named(get(o["bid_field"].get_string(), "bid_field"),
                                     {AdjustmentField::target_cpa, AdjustmentField::target_roas,
                                      AdjustmentField::max_cpc, AdjustmentField::daily_budget},
                                     "bid_field");
        saved.bid = read_gate(get(o["bid"], "bid gate"));
        saved.budget = read_gate(get(o["budget"], "budget gate"));
        s.managed.emplace(std::string(id), std::move(saved));
    }
    s.adjustments.evicted_through = get(root["adjustments_evicted_through"].get_uint64(), "adjustments_evicted_through");
    for (simdjson::dom::element a : get(root["adjustments"].get_array(), "adjustments"))
        s.adjustments.adjustments.push_back(read_adjustment(get(a.get_object(), "adjustment")));
    return s;
}

}  // namespace bidline
