#include "support/cli_run.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "support/fixtures.h"
#include "support/scratch_dir.h"

namespace bidline::test {

CliRun run_bidline(const std::vector<std::string>& args) {
    const ScratchDir dir("bidline-cli");
    const std::string out_path = (dir.path() / "stdout").string(), err_path = (dir.path() / "stderr").string();
    std::vector<char*> argv;
    std::string binary = BIDLINE_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
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
