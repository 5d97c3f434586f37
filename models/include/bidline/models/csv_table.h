// A small reader for the delimited text files analysts hand to the CLI tools
// (media-mix series, conversion paths): a header row naming the columns,
// then one record per line. Quoted fields ("a;b", "say ""hi""") are
// supported because spreadsheet exports produce them. Off the hot path:
// errors are exceptions that name the file and line.
#pragma once

#include <cstddef>
#include <istream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

class CsvError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> line_numbers;  // 1-based source line of each row, for messages
    std::string source;                     // file name, for messages

    // Index of a named column; throws CsvError listing the known columns.
    [[nodiscard]] std::size_t column(std::string_view name) const;
    // The cell as a number; throws CsvError naming source:line and column.
    [[nodiscard]] double number(std::size_t row, std::size_t col) const;
};

CsvTable parse_csv(std::istream& in, char delimiter, const std::string& source);
CsvTable read_csv_file(const std::string& path, char delimiter);

}  // namespace bidline
