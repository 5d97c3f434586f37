// Background work below the shards. On a machine where every engine thread
// shares a core with a shard (two cores: one for the shard, one for the load
// or the exchange), a config reload or an optimizer fit takes the shard's
// CPU while it runs. SCHED_IDLE makes such a thread run only when the core
// would otherwise idle, and a shard thread woken by a request preempts it
// at once, where a plain nice value still lets it finish its time slice.
// Linux scheduling attributes are per thread: only the calling thread
// changes, and threads it creates afterwards inherit it (so call it after
// starting the threads that must keep normal priority).
#pragma once

namespace bidline {

// The calling thread runs only when nothing else wants the CPU (SCHED_IDLE;
// nice 19 where that is refused). Returns false when neither took effect.
bool lower_this_thread_priority();
// Back to normal scheduling (SCHED_OTHER, nice 0).
void restore_this_thread_priority();

}  // namespace bidline
