#include "key_file_text.h"

#include <sodium.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bidline {

void record_error(const std::filesystem::path& file, int line, const std::string& why) {
    throw std::runtime_error(file.string() + ":" + std::to_string(line) + ": " + why);
}

std::vector<RecordLine> read_record_lines(const std::filesystem::path& file, std::size_t words, std::string_view shape) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(file.string() + ": cannot read the file");
    std::vector<RecordLine> out;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        RecordLine r{n, {}};
        std::istringstream split(line);
        for (std::string w; split >> w;) r.words.push_back(std::move(w));
        if (r.words.size() != words) record_error(file, n, "expected " + std::string(shape));
        out.push_back(std::move(r));
    }
    return out;
}

std::string to_hex(const std::uint8_t* bytes, std::size_t n) {
    std::string s(2 * n + 1, '\0');
    sodium_bin2hex(s.data(), s.size(), bytes, n);
    s.pop_back();
    return s;
}

bool hex_to_bytes(std::string_view hex, std::uint8_t* out, std::size_t n) {
    std::size_t written = 0;
    const char* end = nullptr;
    return hex.size() == 2 * n && sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
           written == n && end == hex.data() + hex.size();
}

}  // namespace bidline
