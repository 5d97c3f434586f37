#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "bidline/models/attribution/conversion_path.h"
#include "bidline/models/csv_table.h"

namespace bidline::attribution {
namespace {

std::vector<std::string> split_touchpoints(const std::string& path) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= path.size()) {
        const std::size_t at = path.find('>', from);
        std::string t = path.substr(from, at == std::string::npos ? std::string::npos : at - from);
        const auto b = t.find_first_not_of(' '), e = t.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(t.substr(b, e - b + 1));
        if (at == std::string::npos) break;
        from = at + 1;
    }
    return out;
}

}  // namespace

std::vector<ConversionPath> parse_conversion_paths(std::istream& in, const std::string& source) {
    const CsvTable t = parse_csv(in, ';', source);
    const std::size_t path = t.column("path"), conv = t.column("total_conversions");
    auto optional_column = [&](const char* name) {
        for (std::size_t i = 0; i < t.header.size(); ++i)
            if (t.header[i] == name) return static_cast<long>(i);
        return -1L;
    };
    const long value = optional_column("total_conversion_value"), nulls = optional_column("total_null");
    std::vector<ConversionPath> out;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        ConversionPath p;
        p.touchpoints = split_touchpoints(t.rows[r][path]);
        if (p.touchpoints.empty())
            throw CsvError(source + ":" + std::to_string(t.line_numbers[r]) + ": empty path");
        p.conversions = t.number(r, conv);
        if (value >= 0) p.value = t.number(r, static_cast<std::size_t>(value));
        if (nulls >= 0) p.nulls = t.number(r, static_cast<std::size_t>(nulls));
        if (p.conversions < 0 || p.nulls < 0)
            throw CsvError(source + ":" + std::to_string(t.line_numbers[r]) + ": negative count");
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<ConversionPath> read_conversion_paths(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw CsvError(path + ": cannot open");
    return parse_conversion_paths(in, path);
}

std::vector<ConversionPath> merge_paths(const std::vector<ConversionPath>& paths) {
    std::map<std::vector<std::string>, ConversionPath> merged;
    for (const auto& p : paths) {
        auto& m = merged[p.touchpoints];
        m.touchpoints = p.touchpoints;
        m.conversions += p.conversions;
        m.value += p.value;
        m.nulls += p.nulls;
    }
    std::vector<ConversionPath> out;
    for (auto& [k, v] : merged) out.push_back(std::move(v));
    return out;
}

std::vector<ConversionPath> paths_from_events(std::vector<Touchpoint> touches, std::vector<Conversion> conversions) {
    auto by_user_time = [](const auto& a, const auto& b) { return std::tie(a.user, a.time) < std::tie(b.user, b.time); };
    std::stable_sort(touches.begin(), touches.end(), by_user_time);
    std::stable_sort(conversions.begin(), conversions.end(), by_user_time);
    std::vector<ConversionPath> out;
    std::size_t ci = 0;
    for (std::size_t ti = 0; ti < touches.size();) {
        const std::string& user = touches[ti].user;
        while (ci < conversions.size() && conversions[ci].user < user) ++ci;  // conversions without touches: unattributable
        ConversionPath open;
        for (; ti < touches.size() && touches[ti].user == user; ++ti) {
            // Conversions up to this touch close the path built so far.
            for (; ci < conversions.size() && conversions[ci].user == user && conversions[ci].time < touches[ti].time; ++ci) {
                if (open.touchpoints.empty()) continue;
                open.conversions = 1;
                open.value = conversions[ci].value;
                out.push_back(std::move(open));
                open = {};
            }
            open.touchpoints.push_back(touches[ti].channel);
        }
        for (; ci < conversions.size() && conversions[ci].user == user; ++ci) {
            if (open.touchpoints.empty()) continue;
            open.conversions = 1;
            open.value = conversions[ci].value;
            out.push_back(std::move(open));
            open = {};
        }
        if (!open.touchpoints.empty()) {
            open.nulls = 1;
            out.push_back(std::move(open));
        }
    }
    return merge_paths(out);
}

}  // namespace bidline::attribution
