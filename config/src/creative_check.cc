#include "bidline/config/creative_check.h"

#include "bidline/config/config.h"
#include "bidline/config/creative_markup.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <pugixml.hpp>
#include <string_view>

namespace bidline {
namespace {

constexpr std::array kBannerMimes = {"text/html", "application/javascript", "text/javascript", "image/jpeg",
                                     "image/png", "image/gif", "image/webp", "image/svg+xml"};
constexpr std::array kVideoMimes = {"video/mp4", "video/webm", "video/ogg", "video/3gpp", "application/x-mpegurl",
                                    "application/vnd.apple.mpegurl", "application/dash+xml", "application/javascript"};
constexpr std::array kAudioMimes = {"audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/wav", "audio/flac"};
constexpr std::array kNativeMimes = {"application/json"};

template <std::size_t N>
bool listed(const std::array<const char*, N>& mimes, std::string_view mime) {
    return std::any_of(mimes.begin(), mimes.end(), [&](const char* m) { return mime == m; });
}

template <std::size_t N>
std::string listing(const std::array<const char*, N>& mimes) {
    std::string out;
    for (const char* m : mimes) out.append(out.empty() ? "" : ", ").append(m);
    return out;
}

bool has_text(const pugi::xml_node& n) {
    const std::string_view text = n.child_value();
    if (!text.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos) return true;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_cdata && std::string_view(c.value()).find_first_not_of(" \t\r\n") != std::string_view::npos)
            return true;
    return false;
}

std::optional<std::string> inline_problem(const pugi::xml_node& ad) {
    for (const char* required : {"AdSystem", "AdTitle", "Impression"})
        if (!ad.child(required)) return std::string("<InLine> lacks <") + required + ">";
    const pugi::xml_node creatives = ad.child("Creatives");
    if (!creatives.child("Creative")) return std::string("<InLine> has no <Creatives><Creative>");
    for (pugi::xml_node creative : creatives.children("Creative")) {
        const pugi::xml_node linear = creative.child("Linear");
        if (!linear) continue;  // companion or non-linear creatives need no media file
        if (!has_text(linear.child("Duration"))) return std::string("<Linear> lacks a <Duration>");
        bool media = false;
        for (pugi::xml_node f : linear.child("MediaFiles").children("MediaFile")) media = media || has_text(f);
        if (!media) return std::string("<Linear> has no <MediaFiles><MediaFile> with a URL");
    }
    return std::nullopt;
}

std::optional<std::string> vast_problem(const std::string& markup) {
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_buffer(markup.data(), markup.size());
    if (!parsed) return "not well-formed XML: " + std::string(parsed.description()) + " at byte " + std::to_string(parsed.offset);
    const pugi::xml_node vast = doc.child("VAST");
    if (!vast) return std::string("the root element must be <VAST>");
    const std::string_view version = vast.attribute("version").value();
    constexpr std::array kVersions = {"2.0", "3.0", "4.0", "4.1", "4.2", "4.3"};
    if (std::none_of(kVersions.begin(), kVersions.end(), [&](const char* v) { return version == v; }))
        return "<VAST version> must be 2.0, 3.0 or 4.0-4.3, not \"" + std::string(version) + "\"";
    if (!vast.child("Ad")) return std::string("<VAST> holds no <Ad>");
    for (pugi::xml_node ad : vast.children("Ad")) {
        const pugi::xml_node in_line = ad.child("InLine"), wrapper = ad.child("Wrapper");
        if (bool(in_line) == bool(wrapper)) return std::string("each <Ad> holds exactly one of <InLine> and <Wrapper>");
        if (in_line) {
            if (auto p = inline_problem(in_line)) return p;
        } else {
            for (const char* required : {"AdSystem", "VASTAdTagURI"})
                if (!wrapper.child(required)) return std::string("<Wrapper> lacks <") + required + ">";
        }
    }
    return std::nullopt;
}

std::optional<std::string> native_problem(const std::string& markup) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(markup).get(doc) != simdjson::SUCCESS) return std::string("not well-formed JSON");
    simdjson::dom::element native;
    if (doc["native"].get(native) != simdjson::SUCCESS) native = doc;  // Native 1.2 may leave out the wrapper
    if (!native.is_object()) return std::string("expected a Native response object");
    if (!native["assets"].is_array()) return std::string("the Native response has no \"assets\" list");
    if (!native["link"].is_object()) return std::string("the Native response has no \"link\" object");
    return std::nullopt;
}

}  // namespace

std::size_t markup_size_limit(MediaType format) {
    switch (format) {
        case MediaType::banner: return 150 * 1024;
        case MediaType::native: return 64 * 1024;
        case MediaType::video:
        case MediaType::audio: return 1024 * 1024;
    }
    return 0;
}

std::optional<CreativeProblem> creative_problem(const Creative& c) {
    const auto mime_problem = [&](const auto& mimes) -> std::optional<CreativeProblem> {
        if (listed(mimes, c.mime)) return std::nullopt;
        return CreativeProblem{"mime", "\"" + c.mime + "\" is not a " + std::string(to_string(c.format)) +
                                           " MIME type (expected one of " + listing(mimes) + ")"};
    };
    std::optional<CreativeProblem> p;
    switch (c.format) {
        case MediaType::banner: p = mime_problem(kBannerMimes); break;
        case MediaType::video: p = mime_problem(kVideoMimes); break;
        case MediaType::audio: p = mime_problem(kAudioMimes); break;
        case MediaType::native: p = mime_problem(kNativeMimes); break;
    }
    if (p) return p;
    if (c.markup.size() > markup_size_limit(c.format))
        return CreativeProblem{"markup", std::to_string(c.markup.size()) + " bytes: over the " +
                                             std::to_string(markup_size_limit(c.format) / 1024) + " KiB limit of " +
                                             std::string(to_string(c.format)) + " creatives"};
    std::optional<std::string> reason;
    if (c.format == MediaType::video || c.format == MediaType::audio) reason = vast_problem(c.markup);
    if (c.format == MediaType::native) reason = native_problem(c.markup);
    if (reason) return CreativeProblem{"markup", (c.format == MediaType::native ? "native: " : "VAST: ") + *reason};
    CreativeMarkup compiled;
    if (auto problem = compile_markup(c, compiled)) return CreativeProblem{problem->field, problem->reason};
    if (compiled.max_size > markup_size_limit(c.format))
        return CreativeProblem{"markup", "rendered with the longest variants: " + std::to_string(compiled.max_size) +
                                             " bytes, over the " + std::to_string(markup_size_limit(c.format) / 1024) +
                                             " KiB limit of " + std::string(to_string(c.format)) + " creatives"};
    return std::nullopt;
}

}  // namespace bidline
