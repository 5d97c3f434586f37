// Runs the real `bidline` binary with arguments and captures what a user
// sees: the exit code, stdout and stderr.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bidline::test {

struct CliRun {
    int exit_code = -1;  // -1: did not exit normally
    std::string out;
    std::string err;
};

// Arguments are passed as they are (no shell quoting to get wrong).
CliRun run_bidline(const std::vector<std::string>& args);

// What a run reads besides its arguments: stdin, and environment variables
// set (on top of ours) for the child only.
struct CliInput {
    std::string stdin_text;
    std::vector<std::pair<std::string, std::string>> env;
};
CliRun run_bidline(const std::vector<std::string>& args, const CliInput& input);

// Any other program a user would run beside it (curl, openssl), by absolute path.
CliRun run_program(const std::string& path, const std::vector<std::string>& args, const CliInput& input = {});

}  // namespace bidline::test
