// A strict validator for the Prometheus text exposition format (0.0.4), as
// far as bidline uses it: HELP/TYPE comments, samples `name{labels} value`,
// label values escaped, TYPE before a family's samples, a family's samples
// together, and histograms whose buckets are cumulative, end in +Inf and
// agree with _count. Test code: returns the list of problems (empty = valid)
// and the samples it parsed, so tests can also check the numbers.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bidline::test {

struct PromSample {
    std::string name;
    std::map<std::string, std::string> labels;  // unescaped values
    double value = 0;
};

struct PromParse {
    std::vector<std::string> problems;  // "line N: what is wrong"
    std::vector<PromSample> samples;
    std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|summary|untyped

    // The value of the one sample with this name and exactly these labels; NaN if absent.
    double value(std::string_view name, const std::map<std::string, std::string>& labels = {}) const;
};

PromParse parse_prometheus_text(std::string_view text);

}  // namespace bidline::test
