// Counts calls to malloc on this thread, so a benchmark can check that the
// code it times allocates nothing. Replaces the public malloc with one that
// counts and forwards to glibc's; include it in exactly one file of a
// benchmark executable. Under ASan/TSan (which own malloc) nothing is
// counted and allocations() stays 0.
#pragma once

#include <cstddef>

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
extern "C" void* __libc_malloc(std::size_t);  // glibc's own, under the public name we replace
namespace bench_malloc {
inline thread_local std::size_t calls = 0;
}  // namespace bench_malloc
extern "C" void* malloc(std::size_t n) {
    ++bench_malloc::calls;
    return __libc_malloc(n);
}
#define BIDLINE_COUNTS_MALLOC 1
#endif

// malloc calls so far on this thread (0 when not counting).
inline std::size_t allocations() {
#ifdef BIDLINE_COUNTS_MALLOC
    return bench_malloc::calls;
#else
    return 0;
#endif
}
