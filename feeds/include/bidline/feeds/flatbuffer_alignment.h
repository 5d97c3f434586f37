// Flatbuffers read scalars in place, so a buffer must start on an 8-byte
// boundary; log records and stream frames sit at any offset of the bytes
// they were read into. Readers pass such bytes through here first.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace bidline::feeds {

// `bytes` itself when aligned, else a copy in `scratch` (which grows to the
// largest buffer seen, then stops allocating).
inline std::span<const std::uint8_t> aligned_for_flatbuffers(std::span<const std::uint8_t> bytes,
                                                             std::vector<std::uint64_t>& scratch) {
    if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(std::uint64_t) == 0) return bytes;
    const std::size_t words = (bytes.size() + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);
    if (scratch.size() < words) scratch.resize(words);
    if (!bytes.empty()) std::memcpy(scratch.data(), bytes.data(), bytes.size());
    return {reinterpret_cast<const std::uint8_t*>(scratch.data()), bytes.size()};
}

}  // namespace bidline::feeds
