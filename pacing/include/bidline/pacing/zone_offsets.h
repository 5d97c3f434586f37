// UTC → local time for an IANA zone, read from the system's compiled tz
// database (/usr/share/zoneinfo/<zone>, the TZif format of RFC 8536):
// libstdc++ 12 has no std::chrono::locate_zone. Day boundaries, flight dates
// and dayparting all follow the advertiser's zone, so the control loop keeps
// one ZoneOffsets per campaign. Immutable after load; any thread.
//
// Only the file's 64-bit transition table is used (v2+ files). Debian ships
// "fat" files with transitions listed up to 2037; later instants keep the
// last listed offset (the POSIX TZ footer rule is not evaluated).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

class ZoneOffsets {
public:
    static ZoneOffsets utc() { return ZoneOffsets{}; }
    // Throws std::runtime_error when the zone file is missing or malformed.
    static ZoneOffsets load(std::string_view iana_name, const std::string& zoneinfo_dir = "/usr/share/zoneinfo/");
    // Parses the bytes of a TZif file (for tests and fuzzing).
    static ZoneOffsets parse(std::string_view tzif);

    // Seconds to add to UTC to get local wall time at this UTC instant.
    std::int32_t offset_at(std::int64_t utc_seconds) const;
    std::int64_t local_seconds(std::int64_t utc_seconds) const { return utc_seconds + offset_at(utc_seconds); }

private:
    std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
    std::vector<std::int32_t> offset_after_; // offset in force from transitions_[i]
    std::int32_t initial_ = 0;               // before the first transition
};

// Calendar helpers on local seconds since the epoch (1970-01-01 was a Thursday).
inline std::int64_t local_day_number(std::int64_t local_seconds) {
    return local_seconds >= 0 ? local_seconds / 86400 : (local_seconds - 86399) / 86400;
}
// 0 = Monday … 6 = Sunday.
inline int local_weekday(std::int64_t local_seconds) { return static_cast<int>((local_day_number(local_seconds) + 3) % 7 + 7) % 7; }
// 0 … 167, Monday 00:00 = 0.
inline int hour_of_week(std::int64_t local_seconds) {
    const std::int64_t into_day = local_seconds - local_day_number(local_seconds) * 86400;
    return local_weekday(local_seconds) * 24 + static_cast<int>(into_day / 3600);
}

}  // namespace bidline
