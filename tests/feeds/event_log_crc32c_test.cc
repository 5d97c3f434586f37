// CRC32C: the three implementations agree with the published check values
// (RFC 3720 appendix B.4, and "123456789") and with each other on every
// length and alignment, and extend() chains like one pass over the whole.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

#include "bidline/feeds/crc32c.h"

namespace bidline::feeds {
namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

using Impl = std::uint32_t (*)(std::uint32_t, std::span<const std::byte>);
std::vector<std::pair<const char*, Impl>> implementations() {
    std::vector<std::pair<const char*, Impl>> v = {
        {"bytewise", &crc32c_extend_bytewise}, {"sliced", &crc32c_extend_sliced}, {"dispatch", &crc32c_extend}};
    if (crc32c_hardware_available()) v.emplace_back("hardware", &crc32c_extend_hardware);
    return v;
}

TEST(Crc32c, MatchesPublishedCheckValues) {
    std::vector<std::byte> zeros(32, std::byte{0}), ones(32, std::byte{0xFF}), ascending(32), descending(32);
    for (int i = 0; i < 32; ++i) {
        ascending[i] = static_cast<std::byte>(i);
        descending[i] = static_cast<std::byte>(31 - i);
    }
    for (auto [name, crc] : implementations()) {
        SCOPED_TRACE(name);
        EXPECT_EQ(crc(0, bytes_of("123456789")), 0xE3069283u);
        EXPECT_EQ(crc(0, zeros), 0x8A9136AAu);
        EXPECT_EQ(crc(0, ones), 0x62A8AB43u);
        EXPECT_EQ(crc(0, ascending), 0x46DD794Eu);
        EXPECT_EQ(crc(0, descending), 0x113FDB5Cu);
        EXPECT_EQ(crc(0, {}), 0u);
    }
}

TEST(Crc32c, ImplementationsAgreeOnEveryLengthAndAlignment) {
    std::mt19937 rng(7);
    std::vector<std::byte> buf(1024 + 16);
    for (auto& b : buf) b = static_cast<std::byte>(rng());
    for (std::size_t offset = 0; offset < 8; ++offset)
        for (std::size_t len = 0; len <= 1024; len += (len < 64 ? 1 : 37)) {
            const auto data = std::span<const std::byte>(buf).subspan(offset, len);
            const std::uint32_t expected = crc32c_extend_bytewise(0, data);
            for (auto [name, crc] : implementations()) ASSERT_EQ(crc(0, data), expected) << name << " len " << len;
        }
}

TEST(Crc32c, ExtendEqualsOnePassOverTheConcatenation) {
    const std::string_view text = "a bid, a win, a click and a conversion";
    for (std::size_t split = 0; split <= text.size(); ++split)
        EXPECT_EQ(crc32c_extend(crc32c(bytes_of(text.substr(0, split))), bytes_of(text.substr(split))),
                  crc32c(bytes_of(text)));
}

}  // namespace
}  // namespace bidline::feeds
