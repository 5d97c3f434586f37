// The assets a native imp asks for (OpenRTB Native 1.0-1.2 request, carried
// JSON-escaped in imp.native.request, with or without the {"native": ...}
// wrapper), and whether a native creative's assets answer them.
//
// Matching (config/README.md, "Native assets"): every required asset of the
// request needs its own asset of the creative of the same kind — a title
// whose text fits `len`, an img of the asked type (3 main when the creative
// writes none; any when the request names none) of exactly w×h, or at least
// wmin×hmin when the request gives minimums, a data asset of the asked type
// whose value fits `len`, a video — and optional assets are answered when
// an unused creative asset fits. A creative answering nothing serves nothing.
// Greedy in the request's order, required assets first.
//
// Bid path, per shard: NativeRequestReader owns a simdjson parser and two
// padded buffers sized once for the largest request, so reading allocates
// nothing; noexcept; an unreadable request is a false, never a throw.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "bidline/config/creative_markup.h"

namespace bidline {

struct NativeAsk {
    std::uint32_t id = 0;
    bool required = false;
    NativeAssetKind kind = NativeAssetKind::other;
    std::uint8_t type = 0;   // img / data type; 0 = any
    std::uint32_t len = 0;   // title / data characters; 0 = any
    std::uint16_t w = 0, h = 0, wmin = 0, hmin = 0;
};

struct NativeAsks {
    static constexpr std::size_t kCapacity = 32;
    std::array<NativeAsk, kCapacity> items{};
    std::size_t count = 0;
    std::span<const NativeAsk> asks() const { return {items.data(), count}; }
};

class NativeRequestReader {
public:
    explicit NativeRequestReader(std::size_t max_request_bytes);
    ~NativeRequestReader();
    NativeRequestReader(const NativeRequestReader&) = delete;
    NativeRequestReader& operator=(const NativeRequestReader&) = delete;

    // `escaped`: imp.native.request as it stands in the bid request (a JSON
    // string's contents). False when it is no Native request, is too large
    // or lists more than NativeAsks::kCapacity assets.
    [[nodiscard]] bool read(std::string_view escaped, NativeAsks& out) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Whether `offers` (a creative's, NativeOffer order) answer every required
// ask; `answer` says which ask each offer answers.
[[nodiscard]] bool answer_native(std::span<const NativeOffer> offers, const NativeAsks& asks, NativeAnswer& answer) noexcept;

}  // namespace bidline
