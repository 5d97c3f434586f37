// Factories of the replay source formats (one file each).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bidline/feeds/replay_source.h"

namespace bidline {

std::unique_ptr<ReplaySource> make_ndjson_replay_source(std::vector<std::string> files);
std::unique_ptr<ReplaySource> make_ipinyou_replay_source(std::vector<std::string> files);
std::unique_ptr<ReplaySource> make_native_replay_source(std::vector<std::string> files);

}  // namespace bidline
