// Reads and writes MLP model files: version 1 of the "bidline-mlp" format
// (models/MLP_FORMAT.md) — one line of JSON naming the architecture, then
// every layer's weights and biases as little-endian float32.
//
// Loading is for start-up and tools: errors are ModelLoadError exceptions.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "bidline/models/mlp_network.h"

namespace bidline::models {

inline constexpr int kMlpFormatVersion = 1;

[[nodiscard]] MlpNetwork load_mlp_file(const std::filesystem::path& path);
[[nodiscard]] MlpNetwork parse_mlp(std::string_view bytes);

[[nodiscard]] std::string serialize_mlp(const MlpNetwork& network);
void save_mlp_file(const MlpNetwork& network, const std::filesystem::path& path);

// True when the bytes start like a bidline-mlp file (of any version).
[[nodiscard]] bool looks_like_mlp(std::string_view bytes);

}  // namespace bidline::models
