// The text form shared by the API key file and the credential store: one
// record per line of whitespace-separated words ('#' comments and blank
// lines skipped), binary fields as lowercase hex, errors as FILE:LINE: why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

struct RecordLine {
    int number = 0;  // 1-based line number, for errors
    std::vector<std::string> words;
};

// Every record of `file`; throws std::runtime_error "FILE:LINE: expected
// SHAPE" for a line of another word count, "FILE: cannot read ..." when the
// file cannot be opened.
std::vector<RecordLine> read_record_lines(const std::filesystem::path& file, std::size_t words, std::string_view shape);

[[noreturn]] void record_error(const std::filesystem::path& file, int line, const std::string& why);

std::string to_hex(const std::uint8_t* bytes, std::size_t n);
// Exactly `n` bytes from 2n hex digits; false for anything else.
bool hex_to_bytes(std::string_view hex, std::uint8_t* out, std::size_t n);

}  // namespace bidline
