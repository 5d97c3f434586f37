#include "bidline/engine/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace bidline {

bool lower_this_thread_priority() {
    const sched_param param{};  // SCHED_IDLE takes priority 0
    if (sched_setscheduler(0, SCHED_IDLE, &param) == 0) return true;
    return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19) == 0;
}

void restore_this_thread_priority() {
    const sched_param param{};
    sched_setscheduler(0, SCHED_OTHER, &param);
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 0);
}

}  // namespace bidline
