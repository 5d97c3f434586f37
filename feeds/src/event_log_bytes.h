// Little-endian loads and stores for the event log's fixed-width fields.
// Byte by byte so that the file format does not depend on the host; the
// compiler turns each into a single move on x86.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bidline::feeds::detail {

inline void store_le32(std::byte* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
inline void store_le64(std::byte* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
inline std::uint32_t load_le32(const std::byte* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
    return v;
}
inline std::uint64_t load_le64(const std::byte* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
    return v;
}

}  // namespace bidline::feeds::detail
