// [[line_item.creative]]: an ad the line item can serve. Banners need their
// size because the bid path matches it against imp.banner w/h or format;
// for other formats w/h are optional (0 = any). The MIME type defaults by
// format to what a player or page expects of the markup.
#include <algorithm>
#include <cctype>

#include "bidline/config/config.h"
#include "bidline/config/creative_check.h"
#include "domain_fields.h"
#include "section_readers.h"

namespace bidline::config_detail {

namespace {

MediaType read_format(const TomlTable& t) {
    const std::string name = t.required_string("format");
    const auto format = parse_media_type(name);
    if (!format) {
        t.fail_at(t.require("format"), "format",
                  "unknown format \"" + name + "\" (expected banner, video, native or audio)");
    }
    return *format;
}

std::uint16_t read_dimension(const TomlTable& t, std::string_view key, MediaType format) {
    if (format == MediaType::banner) {
        if (t.find(key) == nullptr) t.fail_here(key, "missing required key (banner creatives need w and h)");
        return static_cast<std::uint16_t>(*t.integer(key, 1, 65535));
    }
    return static_cast<std::uint16_t>(t.integer(key, 0, 65535).value_or(0));
}

std::string_view default_mime(MediaType format) {
    switch (format) {
        case MediaType::banner:
            return "text/html";
        case MediaType::video:
            return "video/mp4";
        case MediaType::native:
            return "application/json";
        case MediaType::audio:
            return "audio/mpeg";
    }
    return "text/html";
}

bool slot_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    });
}

// [line_item.creative.slots]: NAME = ["variant", ...] per `{{NAME}}` of
// the markup; sorted by name, so a slot's index does not depend on how the
// TOML library orders a table.
std::vector<TemplateSlot> read_slots(const TomlTable& t) {
    std::vector<TemplateSlot> slots;
    const toml::value* v = t.find("slots");
    if (v == nullptr) return slots;
    if (!v->is_table()) t.fail_at(*v, "slots", "expected a table of NAME = [\"variant\", ...], got " + std::string(describe_type(*v)));
    for (const auto& [name, list] : v->as_table()) {
        const std::string field = "slots." + name;
        if (!slot_name(name)) t.fail_at(list, field, "a slot name is letters, digits and _");
        if (!list.is_array()) t.fail_at(list, field, "expected a list of strings, got " + std::string(describe_type(list)));
        TemplateSlot slot{name, {}};
        for (const toml::value& e : list.as_array()) {
            if (!e.is_string()) t.fail_at(e, field, "expected a string, got " + std::string(describe_type(e)));
            slot.variants.push_back(e.as_string().str);
        }
        slots.push_back(std::move(slot));
    }
    std::sort(slots.begin(), slots.end(), [](const TemplateSlot& a, const TemplateSlot& b) { return a.name < b.name; });
    return slots;
}

}  // namespace

Creative read_creative(const TomlTable& t, const Advertiser& advertiser) {
    Creative c;
    c.id.value = read_id(t, "id");
    c.format = read_format(t);
    c.size.w = read_dimension(t, "w", c.format);
    c.size.h = read_dimension(t, "h", c.format);
    c.adomain = read_domain_list(t, "adomain");
    // Exchanges require adomain to check blocklists; the advertiser's own
    // domains are the right answer unless the creative says otherwise.
    if (c.adomain.empty()) c.adomain = advertiser.domains;
    c.categories = t.string_list("categories");
    c.mime = t.string("mime").value_or(std::string(default_mime(c.format)));
    if (c.mime.empty() || c.mime.find('/') == std::string::npos) {
        t.fail_at(*t.find("mime"), "mime", "expected a MIME type such as \"text/html\", got \"" + c.mime + "\"");
    }
    c.markup = t.required_string("markup");
    if (c.markup.empty()) t.fail_at(t.require("markup"), "markup", "must not be empty");
    c.slots = read_slots(t);
    if (const auto problem = creative_problem(c)) {
        if (const toml::value* at = t.find(problem->field)) t.fail_at(*at, problem->field, problem->reason);
        t.fail_here(problem->field, problem->reason);  // slots, when none are written
    }
    return c;
}

}  // namespace bidline::config_detail
