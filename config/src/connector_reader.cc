// [connectors.NAME]: the rate limit and daily quota of one feed connector
// (connector_settings.h). NAME is what the connector sends in the
// X-Bidline-Connector header; every key is optional (absent = the default).
#include <algorithm>

#include "bidline/config/config.h"
#include "section_readers.h"
#include "text_formats.h"

namespace bidline::config_detail {

namespace {

ConnectorSettings read_connector(const TomlTable& t, const std::string& name) {
    ConnectorSettings c;
    c.name = name;
    if (auto rate = t.number("requests_per_second")) {
        if (*rate <= 0 || *rate > 1e9)
            t.fail_at(*t.find("requests_per_second"), "requests_per_second", "must be in (0, 1e9]");
        c.requests_per_second = *rate;
    }
    if (auto burst = t.number("burst")) {
        if (*burst < 1 || *burst > 1e9) t.fail_at(*t.find("burst"), "burst", "must be in [1, 1e9] (requests)");
        c.burst = *burst;
    }
    if (auto units = t.integer("daily_units", 1, std::int64_t{1} << 50)) c.daily_units = *units;
    return c;
}

}  // namespace

ConnectorSettingsList read_connectors(const TomlTable& root) {
    ConnectorSettingsList out;
    const toml::value* connectors = root.find("connectors");
    if (connectors == nullptr) return out;
    if (!connectors->is_table())
        root.fail_at(
            *connectors, "connectors",
            "expected a table of connectors ([connectors.NAME]), got " + std::string(describe_type(*connectors)));
    // The TOML table is a hash map: read in file order so the first error is stable.
    std::vector<std::pair<std::string, const toml::value*>> entries;
    for (const auto& [name, value] : connectors->as_table()) entries.emplace_back(name, &value);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.second->location().line() < b.second->location().line(); });
    for (const auto& [name, value] : entries) {
        const std::string path = "connectors." + name;
        if (!is_valid_id(name))
            throw ConfigError(
                root.source(), static_cast<int>(value->location().line()), path,
                "connector names are 1 to 64 characters of A-Z a-z 0-9 . _ ~ - (the X-Bidline-Connector header)");
        const TomlTable t(*value, path, root.source(), {"requests_per_second", "burst", "daily_units"});
        out.push_back(read_connector(t, name));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

}  // namespace bidline::config_detail
