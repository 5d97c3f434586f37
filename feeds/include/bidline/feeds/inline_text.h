// A string of at most Capacity bytes stored inline: ids inside an Event,
// copied out of a JSON line or a flatbuffer without touching the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bidline::feeds {

template <std::size_t Capacity>
class InlineText {
    static_assert(Capacity < 256, "the length is kept in one byte");

public:
    static constexpr std::size_t kCapacity = Capacity;

    constexpr InlineText() = default;

    // False (and unchanged) when `text` does not fit.
    [[nodiscard]] bool assign(std::string_view text) {
        if (text.size() > Capacity) return false;
        if (!text.empty()) std::memcpy(data_, text.data(), text.size());
        size_ = static_cast<std::uint8_t>(text.size());
        return true;
    }

    std::string_view view() const { return {data_, size_}; }
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }

    friend bool operator==(const InlineText& a, const InlineText& b) { return a.view() == b.view(); }
    friend bool operator==(const InlineText& a, std::string_view b) { return a.view() == b; }

private:
    std::uint8_t size_ = 0;
    char data_[Capacity] = {};
};

}  // namespace bidline::feeds
