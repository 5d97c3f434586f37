#include "bidline/feeds/replay_source.h"

#include "replay_sources.h"

namespace bidline {

std::optional<ReplayFormat> parse_replay_format(std::string_view name) {
    if (name == "ndjson") return ReplayFormat::ndjson;
    if (name == "ipinyou") return ReplayFormat::ipinyou;
    if (name == "native") return ReplayFormat::native;
    return std::nullopt;
}

std::unique_ptr<ReplaySource> open_replay_source(const std::vector<std::string>& files, ReplayFormat format) {
    switch (format) {
        case ReplayFormat::ndjson: return make_ndjson_replay_source(files);
        case ReplayFormat::ipinyou: return make_ipinyou_replay_source(files);
        case ReplayFormat::native: return make_native_replay_source(files);
    }
    throw ReplayError("unknown replay format");
}

}  // namespace bidline
