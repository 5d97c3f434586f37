// Command-line arguments of the subcommands: `--name value`, `--name=value`
// and bare `--flag`. Unknown flags are errors, so typos never pass silently.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bidline {

class CliError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class CliArgs {
public:
    // `valued`: flags that take a value; `bare`: flags that do not.
    CliArgs(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& bare);

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;  // repeated flags
    std::string required(const std::string& name) const;
    long integer(const std::string& name, long fallback, long min, long max) const;
    double number(const std::string& name, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::multimap<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

}  // namespace bidline
