// libstdc++ 12 has no std::chrono::locate_zone, so a zone is checked
// against the system tz database directly: /usr/share/zoneinfo/<name> must
// be a compiled zone file (they start with the "TZif" magic; the directory
// also holds tables such as zone.tab, which are not zones).
#include <fstream>

#include "text_formats.h"

namespace bidline::config_detail {

namespace {

constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo/";

bool is_safe_zone_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    // posix/ and right/ are alternative copies of the whole database, not names users mean.
    return !name.starts_with("posix/") && !name.starts_with("right/");
}

}  // namespace

bool is_known_time_zone(std::string_view name) {
    // UTC works even on hosts without tzdata installed.
    if (name == "UTC" || name == "Etc/UTC") return true;
    if (!is_safe_zone_name(name)) return false;
    std::ifstream file(std::string(kZoneInfoDir) + std::string(name), std::ios::binary);
    char magic[4] = {};
    return file.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

}  // namespace bidline::config_detail
