// Small helpers the analyst commands (mmm, optimize, attribute, experiment)
// share: comma lists, numbers and CONV/N pairs from flags, writing a report
// file. Parsing failures throw CliError, which the commands turn into exit 2.
#pragma once

#include <string>
#include <vector>

namespace bidline {

std::vector<std::string> split_list(const std::string& text);           // "a, b,c" → {a, b, c}
double parse_number(const std::string& flag, const std::string& text);  // throws CliError
// "CONV/N" → {conversions, trials}; throws CliError naming the flag.
std::pair<long long, long long> parse_fraction(const std::string& flag, const std::string& text);
// Writes `text` plus a newline to `path`; throws CliError when it cannot.
void write_text_file(const std::string& path, const std::string& text);
std::string read_text_file(const std::string& path);

}  // namespace bidline
