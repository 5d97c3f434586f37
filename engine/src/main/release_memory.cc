#include "main/release_memory.h"

#if defined(BIDLINE_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif

namespace bidline {

void release_free_memory() {
#if defined(BIDLINE_JEMALLOC)
    // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused dirty pages.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
#endif
}

}  // namespace bidline
