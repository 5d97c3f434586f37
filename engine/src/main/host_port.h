// HOST:PORT command-line values (`stream --to`, `activate --engine/--api`).
#pragma once

#include <cstdint>
#include <string>

namespace bidline {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
    std::string path;  // what followed the port, e.g. "/graph" in HOST:PORT/graph ("" if nothing)
};

// Parses "HOST:PORT" (or "[V6]:PORT"), and "HOST:PORT/PATH" when `allow_path`;
// throws CliError naming `flag` on anything else.
HostPort parse_host_port(const std::string& flag, const std::string& text, bool allow_path = false);

}  // namespace bidline
