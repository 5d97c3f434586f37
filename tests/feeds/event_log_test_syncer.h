// A LogSyncer for tests: really syncs, counts the calls, can run a hook at
// each data sync and can fail the n-th one, so tests observe durability
// points instead of guessing them from timing.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>

#include "bidline/feeds/event_log_writer.h"

namespace bidline::feeds::test {

class CountingSyncer final : public LogSyncer {
public:
    int sync_data(int fd) override {
        const int n = ++data_syncs;
        if (on_sync) on_sync(n);
        if (fail_from != 0 && n >= fail_from) return EIO;
        return ::fdatasync(fd) == 0 ? 0 : errno;
    }
    int sync_directory(int fd) override {
        ++directory_syncs;
        return ::fsync(fd) == 0 ? 0 : errno;
    }
    std::atomic<int> data_syncs{0};
    std::atomic<int> directory_syncs{0};
    int fail_from = 0;                 // 0: never fail; n: the n-th data sync and later return EIO
    std::function<void(int)> on_sync;  // runs on the writer's thread before the sync
};

}  // namespace bidline::feeds::test
