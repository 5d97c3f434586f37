// [line_item.targeting]: which impressions a line item may bid on. Each
// list is checked element by element so that an error names the line of
// the bad element, and values the bid path compares case-insensitively are
// stored in one case.
#include "bidline/config/config.h"
#include "domain_fields.h"
#include "section_readers.h"
#include "text_formats.h"

namespace bidline::config_detail {

namespace {

std::vector<MediaType> read_media(const TomlTable& t) {
    std::vector<MediaType> out;
    for (const toml::value* element : t.list("media")) {
        const std::string name = t.element_string(*element, "media");
        const auto media = parse_media_type(name);
        if (!media)
            t.fail_at(*element, "media", "unknown media \"" + name + "\" (expected banner, video, native or audio)");
        out.push_back(*media);
    }
    return out;
}

std::vector<Size> read_sizes(const TomlTable& t) {
    std::vector<Size> out;
    for (const toml::value* element : t.list("sizes")) {
        const std::string text = t.element_string(*element, "sizes");
        const auto size = parse_size(text);
        if (!size) t.fail_at(*element, "sizes", "expected a size as WxH (e.g. \"300x250\"), got \"" + text + "\"");
        out.push_back(*size);
    }
    return out;
}

// Checks every element of a string list with `valid`, explaining failures with `expected`.
template <class Check>
std::vector<std::string> read_codes(const TomlTable& t, std::string_view key, Check valid, std::string_view expected) {
    std::vector<std::string> out;
    for (const toml::value* element : t.list(key)) {
        std::string code = t.element_string(*element, key);
        if (!valid(code)) t.fail_at(*element, key, "expected " + std::string(expected) + ", got \"" + code + "\"");
        out.push_back(std::move(code));
    }
    return out;
}

std::vector<DeviceType> read_device_types(const TomlTable& t) {
    std::vector<DeviceType> out;
    for (const toml::value* element : t.list("device_types")) {
        // OpenRTB 2.6 list 5.21 runs from 1 (mobile/tablet) to 8 (out-of-home).
        out.push_back(static_cast<DeviceType>(t.element_integer(*element, "device_types", 1, 8)));
    }
    return out;
}

bool non_empty(std::string_view s) { return !s.empty(); }

}  // namespace

Targeting read_targeting(const TomlTable& t) {
    Targeting out;
    out.media = read_media(t);
    out.sizes = read_sizes(t);
    out.countries = read_codes(t, "countries", is_country_code, "an ISO 3166-1 alpha-3 code such as \"USA\"");
    out.regions = read_codes(t, "regions", is_region_code, "an ISO 3166-2 subdivision such as \"CA\" or \"US-CA\"");
    out.device_types = read_device_types(t);
    for (const std::string& os : read_codes(t, "os", non_empty, "an operating system name")) {
        out.os.push_back(to_lower_ascii(os));
    }
    out.domains_allow = read_domain_list(t, "domains_allow");
    out.domains_block = read_domain_list(t, "domains_block");
    out.bundles_allow = read_codes(t, "bundles_allow", non_empty, "an app bundle id");
    out.bundles_block = read_codes(t, "bundles_block", non_empty, "an app bundle id");
    out.deals = read_codes(t, "deals", non_empty, "a deal id");
    return out;
}

}  // namespace bidline::config_detail
