#include "bidline/engine/cli_args.h"

#include <charconv>

namespace bidline {

CliArgs::CliArgs(const std::vector<std::string>& argv, const std::set<std::string>& valued,
                 const std::set<std::string>& bare) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (!a.starts_with("--")) {
            positional_.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        const std::size_t eq = name.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (bare.count(name)) {
            if (inline_value) throw CliError("--" + name + " takes no value");
            values_.emplace(name, "");
        } else if (valued.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argv.size()) throw CliError("--" + name + " needs a value");
                value = argv[++i];
            }
            values_.emplace(name, value);
        } else {
            throw CliError("unknown option --" + name + " (see --help)");
        }
    }
}

std::optional<std::string> CliArgs::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> CliArgs::all(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = values_.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

std::string CliArgs::required(const std::string& name) const {
    auto v = get(name);
    if (!v) throw CliError("--" + name + " is required (see --help)");
    return *v;
}

long CliArgs::integer(const std::string& name, long fallback, long min, long max) const {
    auto v = get(name);
    if (!v) return fallback;
    long out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size())
        throw CliError("--" + name + ": expected an integer, got '" + *v + "'");
    if (out < min || out > max)
        throw CliError("--" + name + ": " + *v + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return out;
}

double CliArgs::number(const std::string& name, double fallback) const {
    auto v = get(name);
    if (!v) return fallback;
    double out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size())
        throw CliError("--" + name + ": expected a number, got '" + *v + "'");
    return out;
}

}  // namespace bidline
