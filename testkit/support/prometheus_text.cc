#include "support/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

namespace bidline::test {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

bool valid_metric_name(std::string_view n) {
    if (n.empty() || !name_start(n[0])) return false;
    for (char c : n)
        if (!name_char(c)) return false;
    return true;
}
bool valid_label_name(std::string_view n) { return valid_metric_name(n) && n.find(':') == std::string_view::npos; }

bool parse_value(std::string_view s, double& out) {
    if (s == "+Inf") { out = INFINITY; return true; }
    if (s == "-Inf") { out = -INFINITY; return true; }
    if (s == "NaN") { out = NAN; return true; }
    if (s.empty()) return false;
    const std::string copy(s);
    char* end = nullptr;
    out = std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size() && copy.find_first_of("nNiI") == std::string::npos;
}

// The family a sample belongs to: histogram samples carry a suffix.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            const std::string base = name.substr(0, name.size() - suffix.size());
            auto it = types.find(base);
            if (it != types.end() && (it->second == "histogram" || (it->second == "summary" && suffix != "_bucket"))) return base;
        }
    }
    return name;
}

}  // namespace

double PromParse::value(std::string_view name, const std::map<std::string, std::string>& labels) const {
    for (const PromSample& s : samples)
        if (s.name == name && s.labels == labels) return s.value;
    return NAN;
}

PromParse parse_prometheus_text(std::string_view text) {
    PromParse p;
    std::set<std::string> helped, finished;
    std::string current;  // family whose samples we are in
    int line_no = 0;
    auto problem = [&](const std::string& what) { p.problems.push_back("line " + std::to_string(line_no) + ": " + what); };
    if (!text.empty() && text.back() != '\n') p.problems.push_back("the text must end with a newline");

    while (!text.empty()) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.empty()) continue;
        if (line.starts_with("#")) {
            const bool help = line.starts_with("# HELP "), type = line.starts_with("# TYPE ");
            if (!help && !type) continue;  // a plain comment
            std::string_view rest = line.substr(7);
            const std::size_t sp = rest.find(' ');
            const std::string name(rest.substr(0, sp));
            const std::string_view arg = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
            if (!valid_metric_name(name)) problem("bad metric name in comment: " + name);
            if (help) {
                if (!helped.insert(name).second) problem("second HELP for " + name);
            } else {
                static const std::set<std::string_view> kTypes{"counter", "gauge", "histogram", "summary", "untyped"};
                if (!kTypes.count(arg)) problem("unknown TYPE " + std::string(arg));
                if (p.types.count(name)) problem("second TYPE for " + name);
                if (finished.count(name) || current == name) problem("TYPE after samples of " + name);
                p.types[name] = std::string(arg);
            }
            continue;
        }
        PromSample s;
        std::size_t i = 0;
        while (i < line.size() && name_char(line[i])) ++i;
        s.name = std::string(line.substr(0, i));
        if (!valid_metric_name(s.name)) { problem("bad metric name: " + std::string(line)); continue; }
        if (i < line.size() && line[i] == '{') {
            ++i;
            bool ok = true;
            while (ok && i < line.size() && line[i] != '}') {
                std::size_t j = i;
                while (j < line.size() && name_char(line[j])) ++j;
                const std::string label(line.substr(i, j - i));
                if (!valid_label_name(label) || j + 1 >= line.size() || line[j] != '=' || line[j + 1] != '"') { ok = false; break; }
                std::string value;
                for (j += 2; j < line.size() && line[j] != '"'; ++j) {
                    if (line[j] == '\\') {
                        if (j + 1 >= line.size()) { ok = false; break; }
                        const char e = line[++j];
                        if (e == 'n') value += '\n';
                        else if (e == '\\' || e == '"') value += e;
                        else { ok = false; break; }
                    } else {
                        value += line[j];
                    }
                }
                if (!ok || j >= line.size()) { ok = false; break; }
                if (!s.labels.emplace(label, value).second) problem("repeated label " + label);
                i = j + 1;
                if (i < line.size() && line[i] == ',') ++i;
            }
            if (!ok || i >= line.size()) { problem("bad labels: " + std::string(line)); continue; }
            ++i;  // '}'
        }
        if (i >= line.size() || line[i] != ' ') { problem("expected a space before the value: " + std::string(line)); continue; }
        std::string_view rest = line.substr(i + 1);
        const std::size_t sp = rest.find(' ');  // an optional timestamp may follow
        if (!parse_value(rest.substr(0, sp), s.value)) { problem("bad value: " + std::string(line)); continue; }

        const std::string family = family_of(s.name, p.types);
        if (!p.types.count(family)) problem("sample before its TYPE: " + s.name);
        if (family != current) {
            if (finished.count(family)) problem("samples of " + family + " are not together");
            if (!current.empty()) finished.insert(current);
            current = family;
        }
        p.samples.push_back(std::move(s));
    }

    // Histograms: per label set (without le), buckets cumulative, last le=+Inf, equal to _count.
    for (const auto& [family, type] : p.types) {
        if (type != "histogram") continue;
        std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> series;
        std::map<std::map<std::string, std::string>, double> counts;
        for (const PromSample& s : p.samples) {
            if (s.name == family + "_bucket") {
                auto labels = s.labels;
                auto le = labels.find("le");
                double bound = 0;
                if (le == labels.end() || !parse_value(le->second, bound)) {
                    p.problems.push_back(family + ": bucket without a numeric le");
                    continue;
                }
                labels.erase(le);
                series[labels].emplace_back(bound, s.value);
            } else if (s.name == family + "_count") {
                counts[s.labels] = s.value;
            }
        }
        if (series.empty()) p.problems.push_back(family + ": histogram without buckets");
        for (const auto& [labels, buckets] : series) {
            for (std::size_t k = 1; k < buckets.size(); ++k) {
                if (!(buckets[k].first > buckets[k - 1].first)) p.problems.push_back(family + ": le not increasing");
                if (buckets[k].second < buckets[k - 1].second) p.problems.push_back(family + ": buckets not cumulative");
            }
            if (buckets.empty() || !std::isinf(buckets.back().first)) p.problems.push_back(family + ": last bucket is not +Inf");
            auto c = counts.find(labels);
            if (c == counts.end()) p.problems.push_back(family + ": no _count");
            else if (!buckets.empty() && c->second != buckets.back().second) p.problems.push_back(family + ": _count != +Inf bucket");
        }
    }
    return p;
}

}  // namespace bidline::test
