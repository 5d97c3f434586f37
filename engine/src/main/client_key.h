// The API key a client command sends (`stream --key-file`, `activate
// --engine-key-file`): the first line of a file, so the key never shows in
// the process list or the shell history.
#pragma once

#include <string>

namespace bidline {

// Throws CliError naming `flag` when the file cannot be read or is empty.
std::string read_client_key(const std::string& flag, const std::string& path);

}  // namespace bidline
