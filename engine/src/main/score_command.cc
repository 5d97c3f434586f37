// `bidline score`: predictions of a model file for the rows of a CSV, one
// per line in input order — the offline check that a model scores here what
// it scored where it was trained.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/cli_args.h"
#include "bidline/models/model_load_error.h"
#include "bidline/models/scorer.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kScoreHelp = R"(usage: bidline score --model FILE --csv FILE

Prints one prediction per CSV row on stdout, in the input's order (%.9g).
--model  an XGBoost model saved as JSON (.json) or UBJSON (.ubj): gbtree with
         binary:logistic, reg:logistic, reg:squarederror or count:poisson;
         or an MLP in the bidline-mlp format (models/MLP_FORMAT.md)
--csv    feature values, comma-separated, one row per line, as many columns
         as the model has features. A first line that is not all numbers is
         a header and skipped. An empty cell is a missing value.
Exit 0 on success; 1 with FILE:LINE: REASON for a bad row or model file;
2 for bad arguments.
)";

constexpr std::size_t kBatchRows = 256;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

// Empty → NaN (missing); false when the cell is not a number.
bool parse_cell(std::string_view cell, float& out) {
    cell = trim(cell);
    if (cell.empty()) {
        out = std::numeric_limits<float>::quiet_NaN();
        return true;
    }
    if (cell.front() == '+') cell.remove_prefix(1);
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
    return ec == std::errc() && end == cell.data() + cell.size();
}

// Splits on commas; `cells` is reused between lines.
void split(std::string_view line, std::vector<std::string_view>& cells) {
    cells.clear();
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        cells.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
}

class ScoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// All rows of the CSV, row-major, `width` floats each.
std::vector<float> read_rows(const std::string& path, std::size_t width) {
    std::ifstream in(path);
    if (!in) throw ScoreError(path + ": cannot open");
    std::vector<float> rows;
    std::vector<std::string_view> cells;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (trim(line).empty()) continue;
        split(line, cells);
        const std::size_t first = rows.size();
        bool numeric = true;
        for (std::size_t c = 0; c < cells.size() && numeric; ++c) {
            float v = 0;
            numeric = parse_cell(cells[c], v);
            rows.push_back(v);
        }
        if (!numeric) {
            rows.resize(first);
            if (first == 0 && number == 1) continue;  // the header
            throw ScoreError(path + ":" + std::to_string(number) + ": not a number: " + line);
        }
        if (cells.size() != width)
            throw ScoreError(path + ":" + std::to_string(number) + ": " + std::to_string(cells.size()) +
                             " values, the model takes " + std::to_string(width));
    }
    return rows;
}

}  // namespace

int score_command(const Args& argv_rest) {
    const CliArgs args(argv_rest, {"model", "csv"}, {"help"});
    if (args.has("help")) {
        std::fputs(kScoreHelp, stdout);
        return 0;
    }
    const std::string model_path = args.required("model");
    const std::string csv_path = args.required("csv");
    try {
        const models::Scorer scorer = models::Scorer::load(model_path);
        const std::size_t width = scorer.num_features();
        const std::vector<float> rows = read_rows(csv_path, width);
        models::ScoringScratch scratch = scorer.make_scratch(kBatchRows);
        const std::size_t n = width == 0 ? 0 : rows.size() / width;
        float out[kBatchRows];
        for (std::size_t first = 0; first < n; first += kBatchRows) {
            const std::size_t count = std::min(kBatchRows, n - first);
            scorer.predict_batch(&rows[first * width], count, width, out, scratch);
            for (std::size_t i = 0; i < count; ++i) std::printf("%.9g\n", static_cast<double>(out[i]));
        }
    } catch (const models::ModelLoadError& e) {
        std::fprintf(stderr, "bidline score: %s\n", e.what());
        return 1;
    } catch (const ScoreError& e) {
        std::fprintf(stderr, "bidline score: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace bidline
