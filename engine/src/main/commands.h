// The subcommands of the `bidline` binary. Each takes its arguments after
// the subcommand name and returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace bidline {

using Args = std::vector<std::string>;

int serve_command(const Args& args, char** argv, bool demo);
int gen_command(const Args& args);
int replay_command(const Args& args);
int log_command(const Args& args);
int score_command(const Args& args);
int train_command(const Args& args);
int mmm_command(const Args& args);
int optimize_command(const Args& args);
int attribute_command(const Args& args);
int experiment_command(const Args& args);
int stream_command(const Args& args);
int keys_command(const Args& args);
int credentials_command(const Args& args);
int activate_command(const Args& args);

// Re-executes the epoll build when this binary uses io_uring and the kernel
// refuses it (or the user asked for epoll). Returns only if no exec happened.
void choose_io_backend(const std::string& requested, char** argv);

}  // namespace bidline
