// [line_item.bid]: the strategy and the one or two numbers it needs. Rules
// that need the budgets (max_clicks, max_conversions) are checked by the
// line item reader, which sees them.
#include "bidline/config/config.h"
#include "domain_fields.h"
#include "section_readers.h"

namespace bidline::config_detail {

namespace {

BidStrategy read_strategy(const TomlTable& t) {
    const std::string name = t.required_string("strategy");
    const auto strategy = parse_bid_strategy(name);
    if (!strategy) {
        t.fail_at(t.require("strategy"), "strategy",
                  "unknown strategy \"" + name +
                      "\" (expected manual_cpm, manual_cpc, max_clicks, target_cpa, target_roas or max_conversions)");
    }
    return *strategy;
}

// The strategy's own parameter is missing or 0: point at the value when it
// is there, at the table when it is not.
[[noreturn]] void missing_parameter(const TomlTable& t, std::string_view key, BidStrategy strategy) {
    const std::string reason = std::string(to_string(strategy)) + " needs " + std::string(key) + " > 0";
    if (const toml::value* v = t.find(key)) t.fail_at(*v, key, reason);
    // target_roas is a ratio, not money, so it has no _micros form.
    if (key != "target_roas") {
        const std::string micros_key = std::string(key) + "_micros";
        if (const toml::value* v = t.find(micros_key)) t.fail_at(*v, micros_key, reason);
    }
    t.fail_here(key, reason);
}

}  // namespace

BidSettings read_bid(const TomlTable& t) {
    BidSettings b;
    b.strategy = read_strategy(t);
    b.cpm = read_money(t, "cpm").value_or(Micros{});
    b.cpc = read_money(t, "cpc").value_or(Micros{});
    b.target_cpa = read_money(t, "target_cpa").value_or(Micros{});
    b.max_cpm = read_money(t, "max_cpm").value_or(Micros{});
    if (const toml::value* v = t.find("shading")) {
        if (!v->is_boolean()) t.fail_at(*v, "shading", "expected true or false");
        b.shading = v->as_boolean();
    }
    if (auto roas = t.number("target_roas")) {
        if (*roas < 0) t.fail_at(*t.find("target_roas"), "target_roas", "must not be negative");
        b.target_roas = *roas;
    }
    switch (b.strategy) {
        case BidStrategy::manual_cpm:
            if (b.cpm == Micros{}) missing_parameter(t, "cpm", b.strategy);
            break;
        case BidStrategy::manual_cpc:
            if (b.cpc == Micros{}) missing_parameter(t, "cpc", b.strategy);
            break;
        case BidStrategy::target_cpa:
            if (b.target_cpa == Micros{}) missing_parameter(t, "target_cpa", b.strategy);
            break;
        case BidStrategy::target_roas:
            if (b.target_roas == 0) missing_parameter(t, "target_roas", b.strategy);
            break;
        case BidStrategy::max_clicks:
        case BidStrategy::max_conversions:
            break;
    }
    if (b.max_cpm > Micros{} && b.cpm > Micros{} && b.max_cpm < b.cpm) {
        const std::string key = t.find("max_cpm") != nullptr ? "max_cpm" : "max_cpm_micros";
        t.fail_at(*t.find(key), key, "max_cpm " + format_money(b.max_cpm) + " is below cpm " + format_money(b.cpm));
    }
    return b;
}

}  // namespace bidline::config_detail
