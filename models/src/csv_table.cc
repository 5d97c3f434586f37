#include "bidline/models/csv_table.h"

#include <charconv>
#include <fstream>

namespace bidline {
namespace {

// Splits one record; a quoted field may contain the delimiter and doubled quotes.
std::vector<std::string> split_record(std::string_view line, char delimiter) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == delimiter) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    for (std::string& f : out) {
        const auto b = f.find_first_not_of(" \t");
        const auto e = f.find_last_not_of(" \t\r");
        f = b == std::string::npos ? std::string() : f.substr(b, e - b + 1);
    }
    return out;
}

}  // namespace

std::size_t CsvTable::column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw CsvError(source + ": no column '" + std::string(name) + "' (columns: " + known + ")");
}

double CsvTable::number(std::size_t row, std::size_t col) const {
    const std::string& s = rows.at(row).at(col);
    double v = 0;
    const char* begin = s.data();
    if (!s.empty() && s[0] == '+') ++begin;
    auto r = std::from_chars(begin, s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size())
        throw CsvError(source + ":" + std::to_string(line_numbers.at(row)) + ": column '" + header.at(col) +
                       "': expected a number, got '" + s + "'");
    return v;
}

CsvTable parse_csv(std::istream& in, char delimiter, const std::string& source) {
    CsvTable t;
    t.source = source;
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // spreadsheet BOM
        auto fields = split_record(line, delimiter);
        if (t.header.empty()) {
            t.header = std::move(fields);
            continue;
        }
        if (fields.size() != t.header.size())
            throw CsvError(source + ":" + std::to_string(line_no) + ": expected " + std::to_string(t.header.size()) +
                           " fields, got " + std::to_string(fields.size()));
        t.rows.push_back(std::move(fields));
        t.line_numbers.push_back(line_no);
    }
    if (t.header.empty()) throw CsvError(source + ": empty file (expected a header row)");
    return t;
}

CsvTable read_csv_file(const std::string& path, char delimiter) {
    std::ifstream in(path);
    if (!in) throw CsvError(path + ": cannot open");
    return parse_csv(in, delimiter, path);
}

}  // namespace bidline
