#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "bidline/models/csv_table.h"
#include "bidline/models/mmm/media_series.h"

namespace bidline::mmm {

void MediaSeries::validate() const {
    const std::size_t n = outcome.size();
    if (channels.empty()) throw std::invalid_argument("no channels");
    if (n < 8) throw std::invalid_argument("need at least 8 periods, got " + std::to_string(n));
    auto check = [n](const NamedSeries& s, bool spend) {
        if (s.values.size() != n)
            throw std::invalid_argument("column '" + s.name + "' has " + std::to_string(s.values.size()) +
                                        " values, outcome has " + std::to_string(n));
        for (double v : s.values) {
            if (!std::isfinite(v)) throw std::invalid_argument("column '" + s.name + "' has a non-finite value");
            if (spend && v < 0) throw std::invalid_argument("channel '" + s.name + "' has negative spend");
        }
    };
    for (const auto& c : channels) check(c, true);
    for (const auto& c : controls) check(c, false);
    for (double v : outcome)
        if (!std::isfinite(v)) throw std::invalid_argument("outcome has a non-finite value");
    if (!periods.empty() && periods.size() != n) throw std::invalid_argument("period labels and outcome differ in length");
}

MediaSeries read_media_series_csv(const std::string& path, const MediaColumns& columns) {
    const CsvTable t = read_csv_file(path, ',');
    MediaSeries s;
    const std::size_t period = t.column(columns.period), outcome = t.column(columns.outcome);
    auto read = [&](const std::string& name) {
        const std::size_t c = t.column(name);
        NamedSeries out{name, {}};
        for (std::size_t r = 0; r < t.rows.size(); ++r) out.values.push_back(t.number(r, c));
        return out;
    };
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        s.periods.push_back(t.rows[r][period]);
        s.outcome.push_back(t.number(r, outcome));
    }
    for (const auto& c : columns.channels) s.channels.push_back(read(c));
    for (const auto& c : columns.controls) s.controls.push_back(read(c));
    s.validate();
    return s;
}

void write_media_series_csv(const MediaSeries& s, const std::string& outcome_name, std::ostream& out) {
    out << "date," << outcome_name;
    for (const auto& c : s.channels) out << ',' << c.name;
    for (const auto& c : s.controls) out << ',' << c.name;
    out << '\n';
    char buf[64];
    auto num = [&](double v) {
        std::snprintf(buf, sizeof buf, "%.9g", v);
        return buf;
    };
    for (std::size_t t = 0; t < s.size(); ++t) {
        out << (t < s.periods.size() ? s.periods[t] : std::to_string(t)) << ',' << num(s.outcome[t]);
        for (const auto& c : s.channels) out << ',' << num(c.values[t]);
        for (const auto& c : s.controls) out << ',' << num(c.values[t]);
        out << '\n';
    }
}

}  // namespace bidline::mmm
