// FNV-1a 64: the one stable hash of ids and names (dedupe keys, context
// buckets, experiment assignment, hashed features). Stable across runs,
// builds and machines, unlike std::hash — values may be stored in models.
#pragma once

#include <cstdint>
#include <string_view>

namespace bidline {

inline constexpr std::uint64_t kFnv1aOffset = 0xcbf29ce484222325ull;  // 14695981039346656037
inline constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ull;

// Continues hash `h` over `bytes` (start with kFnv1aOffset).
constexpr std::uint64_t fnv1a_continue(std::uint64_t h, std::string_view bytes) noexcept {
    for (unsigned char c : bytes) h = (h ^ c) * kFnv1aPrime;
    return h;
}
constexpr std::uint64_t fnv1a(std::string_view bytes) noexcept { return fnv1a_continue(kFnv1aOffset, bytes); }

}  // namespace bidline
