#include "bidline/feeds/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace bidline::feeds {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, bit-reflected

// kTables[0] is the classic bytewise table; kTables[k][b] is the CRC of byte b
// followed by k zero bytes, which lets slicing-by-8 fold 8 bytes per step.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_tables() {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t c = b;
        for (int i = 0; i < 8; ++i) c = (c >> 1) ^ ((c & 1) ? kPolynomial : 0);
        t[0][b] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
    return t;
}
constexpr auto kTables = make_tables();

std::uint32_t load_le32(const unsigned char* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

#if defined(__x86_64__)
// target attribute: correct even in builds without -march=x86-64-v3 (the
// sanitizer presets); only called after the run-time CPU check.
__attribute__((target("sse4.2"))) std::uint32_t hardware(std::uint32_t crc, const unsigned char* p, std::size_t n) {
    std::uint64_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);  // unaligned load; x86 is little-endian like the CRC
        c = _mm_crc32_u64(c, word);
    }
    auto c32 = static_cast<std::uint32_t>(c);
    for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, *p);
    return ~c32;
}
#endif

using Impl = std::uint32_t (*)(std::uint32_t, std::span<const std::byte>);

Impl choose_impl() { return crc32c_hardware_available() ? &crc32c_extend_hardware : &crc32c_extend_sliced; }

}  // namespace

std::uint32_t crc32c_extend_bytewise(std::uint32_t crc, std::span<const std::byte> data) {
    std::uint32_t c = ~crc;
    for (std::byte b : data) c = (c >> 8) ^ kTables[0][(c ^ static_cast<std::uint8_t>(b)) & 0xFF];
    return ~c;
}

std::uint32_t crc32c_extend_sliced(std::uint32_t crc, std::span<const std::byte> data) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t n = data.size();
    std::uint32_t c = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        const std::uint32_t lo = load_le32(p) ^ c;
        const std::uint32_t hi = load_le32(p + 4);
        c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
            kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
            kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
    }
    for (; n > 0; --n, ++p) c = (c >> 8) ^ kTables[0][(c ^ *p) & 0xFF];
    return ~c;
}

bool crc32c_hardware_available() {
#if defined(__x86_64__)
    return __builtin_cpu_supports("sse4.2");
#else
    return false;
#endif
}

std::uint32_t crc32c_extend_hardware(std::uint32_t crc, std::span<const std::byte> data) {
#if defined(__x86_64__)
    return hardware(crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
#else
    return crc32c_extend_sliced(crc, data);
#endif
}

std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::byte> data) {
    static const Impl impl = choose_impl();  // the CPU does not change under us
    return impl(crc, data);
}

}  // namespace bidline::feeds
