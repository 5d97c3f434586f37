#include "main/analyst_io.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "bidline/engine/cli_args.h"

namespace bidline {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

double parse_number(const std::string& flag, const std::string& text) {
    double v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size())
        throw CliError("--" + flag + ": expected a number, got '" + text + "'");
    return v;
}

std::pair<long long, long long> parse_fraction(const std::string& flag, const std::string& text) {
    const auto slash = text.find('/');
    long long conv = -1, n = -1;
    if (slash != std::string::npos) {
        auto r1 = std::from_chars(text.data(), text.data() + slash, conv);
        auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), n);
        if (r1.ec == std::errc{} && r1.ptr == text.data() + slash && r2.ec == std::errc{} &&
            r2.ptr == text.data() + text.size() && conv >= 0 && n > 0 && conv <= n)
            return {conv, n};
    }
    throw CliError("--" + flag + ": expected CONVERSIONS/USERS with 0 <= CONVERSIONS <= USERS, got '" + text + "'");
}

void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    if (!out) throw CliError(path + ": cannot write");
    out << text << '\n';
    if (!out) throw CliError(path + ": write failed");
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError(path + ": cannot open");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace bidline
