#include "bidline/engine/json_merge_patch.h"

#include "bidline/engine/json_writer.h"

namespace bidline {
namespace {

void write_merged(JsonWriter& out, const simdjson::dom::element* target, simdjson::dom::element patch) {
    simdjson::dom::object patch_object;
    if (patch.get(patch_object) != simdjson::SUCCESS) {
        out.raw(simdjson::minify(patch));  // a non-object patch replaces the target outright
        return;
    }
    out.begin_object();
    simdjson::dom::object target_object;
    const bool target_is_object = target != nullptr && target->get(target_object) == simdjson::SUCCESS;
    if (target_is_object) {
        for (const auto [key, value] : target_object) {
            simdjson::dom::element replacement;
            if (patch_object.at_key(key).get(replacement) != simdjson::SUCCESS) {
                out.key(key).raw(simdjson::minify(value));
            } else if (!replacement.is_null()) {
                out.key(key);
                write_merged(out, &value, replacement);
            }
        }
    }
    for (const auto [key, value] : patch_object) {
        simdjson::dom::element ignored;
        if (value.is_null() || (target_is_object && target_object.at_key(key).get(ignored) == simdjson::SUCCESS))
            continue;
        out.key(key);
        write_merged(out, nullptr, value);
    }
    out.end_object();
}

}  // namespace

std::string merge_patch(simdjson::dom::element target, simdjson::dom::element patch) {
    JsonWriter out;
    write_merged(out, &target, patch);
    return out.take();
}

}  // namespace bidline
