// CRC32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of every
// event log record. Three implementations behind one interface: SSE4.2's
// crc32 instruction (chosen at run time when the CPU has it), slicing-by-8
// tables (the portable fast path), and a bytewise reference that tests
// compare the other two against.
//
// `crc32c_extend(crc, data)` continues a finished CRC over more bytes, so
// crc32c(a + b) == crc32c_extend(crc32c(a), b). Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bidline::feeds {

[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::byte> data);
[[nodiscard]] inline std::uint32_t crc32c(std::span<const std::byte> data) { return crc32c_extend(0, data); }

// The individual implementations, for tests and benchmarks.
[[nodiscard]] std::uint32_t crc32c_extend_bytewise(std::uint32_t crc, std::span<const std::byte> data);
[[nodiscard]] std::uint32_t crc32c_extend_sliced(std::uint32_t crc, std::span<const std::byte> data);
// Requires crc32c_hardware_available().
[[nodiscard]] std::uint32_t crc32c_extend_hardware(std::uint32_t crc, std::span<const std::byte> data);
[[nodiscard]] bool crc32c_hardware_available();

}  // namespace bidline::feeds
