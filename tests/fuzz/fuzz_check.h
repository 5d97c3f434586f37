// A broken promise of the code under fuzzing: abort, so libFuzzer saves
// the input as a crash (an assert would vanish in a release build).
#pragma once

#include <cstdlib>

inline void check(bool ok) {
    if (!ok) std::abort();
}
