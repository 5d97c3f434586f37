// Conversion paths: the channels a user touched, in order, and what came of
// it. Aggregated like the ChannelAttribution package's input — one row per
// distinct path with its conversions, conversion value and the number of
// times it ended without conversion ("null") — so the same path set can
// come from its CSV format or from the engine's own touchpoint events.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace bidline::attribution {

struct ConversionPath {
    std::vector<std::string> touchpoints;  // channel names, first touch first
    double conversions = 0;
    double value = 0;
    double nulls = 0;
    // Optional, one per touchpoint: time from the touch to the conversion
    // (seconds). Empty when unknown; time decay then counts touches instead.
    std::vector<double> ages;
};

// `path;total_conversions;total_conversion_value;total_null` with touchpoints
// separated by " > ". The value and null columns are optional. Throws CsvError.
std::vector<ConversionPath> parse_conversion_paths(std::istream& in, const std::string& source);
std::vector<ConversionPath> read_conversion_paths(const std::string& path);

// The engine's events for one user stream, in time order per user.
struct Touchpoint {
    std::string user;
    std::string channel;
    std::int64_t time = 0;  // seconds
};
struct Conversion {
    std::string user;
    std::int64_t time = 0;
    double value = 0;
};

// Each conversion closes a path of the user's touches since their previous
// conversion; touches after a user's last conversion form a null path.
// Identical paths are merged (conversions, values and nulls summed; ages dropped).
std::vector<ConversionPath> paths_from_events(std::vector<Touchpoint> touches, std::vector<Conversion> conversions);

// Merges identical touchpoint sequences.
std::vector<ConversionPath> merge_paths(const std::vector<ConversionPath>& paths);

}  // namespace bidline::attribution
