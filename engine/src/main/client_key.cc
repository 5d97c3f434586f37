#include "main/client_key.h"

#include <fstream>

#include "bidline/engine/cli_args.h"

namespace bidline {

std::string read_client_key(const std::string& flag, const std::string& path) {
    std::ifstream in(path);
    std::string key;
    if (!in || !std::getline(in, key)) throw CliError("--" + flag + ": cannot read an API key from " + path);
    while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (key.empty()) throw CliError("--" + flag + ": " + path + " holds no API key on its first line");
    return key;
}

}  // namespace bidline
