// [models] (model_settings.h). Paths are checked for shape only: whether a
// bundle loads is the model registry's question, asked at start-up.
#include "section_readers.h"

namespace bidline::config_detail {

ModelSettings read_models(const TomlTable& root) {
    ModelSettings out;
    const auto models = root.table("models", {"click", "conversion", "value", "max_age_hours"});
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
    return out;
}

}  // namespace bidline::config_detail
