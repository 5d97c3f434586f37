#include <liburing.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "bidline/engine/server.h"
#include "main/commands.h"

namespace bidline {
namespace {

// Can this process create an io_uring? (Containers and hardened kernels
// often say no: io_uring_disabled, seccomp.)
bool kernel_allows_io_uring(std::string& why) {
    io_uring ring;
    const int rc = io_uring_queue_init(8, &ring, 0);
    if (rc < 0) {
        why = std::strerror(-rc);
        return false;
    }
    io_uring_queue_exit(&ring);
    return true;
}

}  // namespace

void choose_io_backend(const std::string& requested, char** argv) {
    if (std::string(Server::io_backend()) != "io_uring") return;  // already the epoll build
    std::string why = "requested with --io epoll";
    if (requested == "uring" || (requested != "epoll" && kernel_allows_io_uring(why))) return;
    if (requested == "uring") return;
    std::string self(argv[0]);
    const std::size_t slash = self.rfind('/');
    const std::string epoll = (slash == std::string::npos ? std::string() : self.substr(0, slash + 1)) + "bidline-epoll";
    std::fprintf(stderr, "bidline: io_uring not used (%s); switching to the epoll build %s\n", why.c_str(), epoll.c_str());
    ::execv(epoll.c_str(), argv);
    std::fprintf(stderr, "bidline: could not start %s (%s); continuing on io_uring\n", epoll.c_str(), std::strerror(errno));
}

}  // namespace bidline
