// Runs the real `bidline` binary with arguments and captures what a user
// sees: the exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace bidline::test {

struct CliRun {
    int exit_code = -1;  // -1: did not exit normally
    std::string out;
    std::string err;
};

// Arguments are passed as they are (no shell quoting to get wrong).
CliRun run_bidline(const std::vector<std::string>& args);

}  // namespace bidline::test
