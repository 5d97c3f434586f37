// The input of a media-mix fit: one row per period (a week or a day) with
// the outcome (revenue or conversions), the spend of each channel, and
// control variables (price, promotions, events as 0/1 columns). The lead's
// optimizer thread builds one from the ledger's daily series; the CLI reads
// one from CSV.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace bidline::mmm {

struct NamedSeries {
    std::string name;
    std::vector<double> values;
};

struct MediaSeries {
    std::vector<std::string> periods;  // period labels (dates), for reports only
    std::vector<double> outcome;
    std::vector<NamedSeries> channels;  // spend per period
    std::vector<NamedSeries> controls;

    [[nodiscard]] std::size_t size() const { return outcome.size(); }
    // Throws std::invalid_argument: ragged columns, negative spend, non-finite values, too few rows.
    void validate() const;
};

struct MediaColumns {
    std::string period;
    std::string outcome;
    std::vector<std::string> channels;
    std::vector<std::string> controls;
};

// Reads a comma-separated file with a header row; throws CsvError or std::invalid_argument.
MediaSeries read_media_series_csv(const std::string& path, const MediaColumns& columns);
void write_media_series_csv(const MediaSeries& series, const std::string& outcome_name, std::ostream& out);

}  // namespace bidline::mmm
