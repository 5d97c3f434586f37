// [models] (model_settings.h). Paths are checked for shape only: whether a
// bundle loads is the model registry's question, asked at start-up.
#include "section_readers.h"

namespace bidline::config_detail {
namespace {

void read_online(const TomlTable& t, OnlineLearningSettings& out) {
    if (const toml::value* v = t.find("enabled")) {
        if (!v->is_boolean()) t.fail_at(*v, "enabled", "expected true or false");
        out.enabled = v->as_boolean();
    }
    const auto number = [&](std::string_view key, double& field, double min, double max) {
        const auto v = t.number(key);
        if (!v) return;
        if (!(*v >= min && *v <= max))
            t.fail_at(*t.find(key), key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
        field = *v;
    };
    number("alpha", out.alpha, 1e-6, 10.0);
    number("beta", out.beta, 0.0, 100.0);
    number("lambda1", out.lambda1, 0.0, 1e3);
    number("lambda2", out.lambda2, 0.0, 1e3);
    if (auto bits = t.integer("hash_bits", 10, 28)) out.hash_bits = static_cast<unsigned>(*bits);
    if (auto s = t.integer("click_window_s", 1, 7 * 86400)) out.click_window = std::chrono::seconds(*s);
    if (auto s = t.integer("conversion_window_s", 1, 30 * 86400)) out.conversion_window = std::chrono::seconds(*s);
    number("max_weight", out.max_weight, 0.0, 1.0);
    number("half_weight_impressions", out.half_weight_impressions, 1.0, 1e9);
    number("half_weight_clicks", out.half_weight_clicks, 1.0, 1e9);
    number("min_impressions", out.min_impressions, 0.0, 1e9);
    number("min_clicks", out.min_clicks, 0.0, 1e9);
}

}  // namespace

ModelSettings read_models(const TomlTable& root) {
    ModelSettings out;
    const auto models = root.table("models", {"click", "conversion", "value", "max_age_hours", "online"});
    if (!models) return out;
    const auto path = [&](std::string_view key, std::string& field) {
        const auto text = models->string(key);
        if (!text) return;
        if (text->empty()) models->fail_at(*models->find(key), key, "must name a model bundle directory");
        field = *text;
    };
    path("click", out.click);
    path("conversion", out.conversion);
    path("value", out.value);
    if (auto hours = models->integer("max_age_hours", 0, 24 * 3650)) out.max_age = std::chrono::hours(*hours);
    if (const auto online = models->table("online", {"enabled", "alpha", "beta", "lambda1", "lambda2", "hash_bits",
                                                      "click_window_s", "conversion_window_s", "max_weight",
                                                      "half_weight_impressions", "half_weight_clicks",
                                                      "min_impressions", "min_clicks"}))
        read_online(*online, out.online);
    return out;
}

}  // namespace bidline::config_detail
