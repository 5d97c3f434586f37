// Whole-file writes that survive a crash: the bytes go to PATH.tmp, are
// fsynced, renamed over PATH and the directory is fsynced, so a reader
// (after kill -9 or power loss) sees the old file or the new one, never a
// torn mix. For small state files (the model registry); off the hot path.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bidline {

// Throws std::runtime_error naming the path and the system error. `mode`:
// permissions of a new file (0600 for key and credential files).
void write_file_durably(const std::filesystem::path& path, std::string_view bytes, unsigned mode = 0644);
// Copies `from` to `to` durably (same guarantees).
void copy_file_durably(const std::filesystem::path& from, const std::filesystem::path& to);
// The whole file; throws std::runtime_error naming the path when unreadable.
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace bidline
