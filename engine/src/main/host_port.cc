#include "main/host_port.h"

#include <charconv>

#include "bidline/engine/cli_args.h"

namespace bidline {

HostPort parse_host_port(const std::string& flag, const std::string& text, bool allow_path) {
    HostPort out;
    std::string address = text;
    if (const auto slash = text.find('/', text.rfind(']') == std::string::npos ? 0 : text.rfind(']'));
        allow_path && slash != std::string::npos) {
        address = text.substr(0, slash);
        out.path = text.substr(slash);
    }
    const auto colon = address.rfind(':');
    const std::string expected = allow_path ? "HOST:PORT[/PATH]" : "HOST:PORT";
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
        throw CliError("--" + flag + ": expected " + expected + ", got \"" + text + "\"");
    out.host = address.substr(0, colon);
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
    unsigned port = 0;
    const char* end = address.data() + address.size();
    const auto [stop, ec] = std::from_chars(address.data() + colon + 1, end, port);
    if (ec != std::errc{} || stop != end || port == 0 || port > 65535)
        throw CliError("--" + flag + ": bad port in \"" + text + "\"");
    out.port = static_cast<std::uint16_t>(port);
    return out;
}

}  // namespace bidline
