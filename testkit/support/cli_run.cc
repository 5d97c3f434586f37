#include "support/cli_run.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/fixtures.h"
#include "support/scratch_dir.h"

namespace bidline::test {

CliRun run_bidline(const std::vector<std::string>& args) { return run_bidline(args, CliInput{}); }

CliRun run_bidline(const std::vector<std::string>& args, const CliInput& input) {
    return run_program(BIDLINE_BINARY, args, input);
}

CliRun run_program(const std::string& path, const std::vector<std::string>& args, const CliInput& input) {
    const ScratchDir dir("bidline-cli");
    const std::string out_path = (dir.path() / "stdout").string(), err_path = (dir.path() / "stderr").string();
    const std::string in_path = (dir.path() / "stdin").string();
    {
        std::ofstream in(in_path, std::ios::binary);
        in << input.stdin_text;
    }
    std::vector<char*> argv;
    std::string binary = path;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int in = ::open(in_path.c_str(), O_RDONLY);
        if (out < 0 || err < 0 || in < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 || ::dup2(in, 0) < 0) ::_exit(127);
        for (const auto& [name, value] : input.env) ::setenv(name.c_str(), value.c_str(), 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    if (pid < 0) throw std::runtime_error("fork failed");
    CliRun run;
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    run.out = read_file(out_path);
    run.err = read_file(err_path);
    return run;
}

}  // namespace bidline::test
