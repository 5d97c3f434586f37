// Entry points: text -> TOML document -> Config. toml11's own syntax errors
// are rewritten into ConfigError so that callers see one error type and one
// "FILE:LINE: FIELD: REASON" shape whatever went wrong.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bidline/config/config.h"
#include "section_readers.h"

namespace bidline {

namespace {

// toml11 messages look like
//   [error] toml::parse_key_value_pair: missing value after key-value separator '='
//    --> file.toml
//      |
//    2 | listen =
//      |          ^--- expected value, but got nothing
// The first line says what; the last annotation says what was expected.
std::string syntax_reason(const std::string& message) {
    std::istringstream lines(message);
    std::string first;
    std::getline(lines, first);
    if (first.starts_with("[error] ")) first.erase(0, 8);
    if (first.starts_with("toml::")) {
        const auto colon = first.find(": ");
        if (colon != std::string::npos) first.erase(0, colon + 2);
    }
    std::string annotation;
    for (std::string line; std::getline(lines, line);) {
        const auto bar = line.find('|');
        if (bar == std::string::npos) continue;
        const auto mark = line.find_first_of("^~", bar);
        if (mark == std::string::npos) continue;
        const auto text = line.find_first_not_of("^~- ", mark);
        if (text != std::string::npos) annotation = line.substr(text);
    }
    if (!annotation.empty()) first += " (" + annotation + ")";
    return first;
}

// Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
        if (lead < 0x80) length = 1;
        else if (lead >= 0xC2 && lead <= 0xDF) length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else return i;
        if (i + length > text.size()) return i;
        for (std::size_t k = 1; k < length; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return i;
        }
        i += length;
    }
    return std::string_view::npos;
}

// Takes the text by value: the stream moves it in, so a file's text is held
// twice (ours and toml11's copy) only while it is parsed, never beside the
// readers' work. (At 10,000 line items the text is 8.8 MB, and the copies
// an ostringstream read made were ~25 MB of the start-up's peak RSS.)
toml::value parse_toml(std::string text, const std::string& source_name) {
    // TOML documents are UTF-8, and toml11 reads out of bounds on some
    // invalid bytes (e.g. '\xff' in a literal string; found by fuzzing).
    if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
        const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
        throw ConfigError(source_name, static_cast<int>(line), "syntax", "invalid UTF-8 (TOML files are UTF-8)");
    }
    std::istringstream stream{std::move(text)};
    try {
        return toml::parse(stream, source_name);
    } catch (const toml::exception& e) {
        throw ConfigError(source_name, static_cast<int>(e.location().line()), "syntax", syntax_reason(e.what()));
    }
}

Config read_document(const toml::value& document, const std::string& source_name) {
    using namespace config_detail;
    const TomlTable root(document, "", source_name, {"engine", "models", "advertiser", "campaign", "line_item", "connectors", "alerts"});
    Config config;
    config.engine = read_engine(root);
    config.models = read_models(root);
    config.campaigns.advertisers = read_advertisers(root);
    config.campaigns.campaigns = read_campaigns(root, config.campaigns.advertisers);
    config.campaigns.line_items = read_line_items(root, config.campaigns.advertisers, config.campaigns.campaigns);
    config.connectors = read_connectors(root);
    config.alerts = read_alerts(root);
    return config;
}

std::string read_file(const std::filesystem::path& path) {
    // An ifstream opens a directory happily and then reads nothing, which
    // would load as an empty (valid) configuration.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ConfigError(path.string(), 0, "", "is a directory, not a file");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw ConfigError(path.string(), 0, "", std::string("cannot open: ") + std::strerror(errno));
    std::string text;
    if (const auto size = std::filesystem::file_size(path, ec); !ec) text.reserve(size);  // no doubling copies
    char chunk[1 << 16];
    while (file.read(chunk, sizeof chunk) || file.gcount() > 0) text.append(chunk, static_cast<std::size_t>(file.gcount()));
    if (file.bad()) throw ConfigError(path.string(), 0, "", std::string("cannot read: ") + std::strerror(errno));
    return text;
}

}  // namespace

Config load_config_text(std::string_view toml_text, const std::string& source_name) {
    return read_document(parse_toml(std::string(toml_text), source_name), source_name);
}

Config load_config_file(const std::filesystem::path& path) {
    Config config = read_document(parse_toml(read_file(path), path.string()), path.string());
    // Model bundles sit beside the file that names them.
    for (std::string* dir : {&config.models.click, &config.models.conversion, &config.models.value})
        if (!dir->empty() && std::filesystem::path(*dir).is_relative()) *dir = (path.parent_path() / *dir).string();
    // Files the [engine] section names sit beside the configuration too.
    for (std::string* file : {&config.engine.api_keys, &config.engine.tls_cert, &config.engine.tls_key})
        if (!file->empty() && std::filesystem::path(*file).is_relative()) *file = (path.parent_path() / *file).string();
    return config;
}

}  // namespace bidline
