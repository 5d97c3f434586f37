// A set of line items as a bitset over their dense indices: the unit of the
// targeting index. Sized once when a catalog is built; the hot-path
// operations (and, or, and-not, iterate) never allocate.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace bidline {

class LineItemSet {
public:
    LineItemSet() = default;
    explicit LineItemSet(std::uint32_t capacity) : words_((capacity + 63) / 64, 0) {}

    void set(std::uint32_t i) { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }
    bool test(std::uint32_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
    std::size_t word_count() const { return words_.size(); }
    const std::uint64_t* words() const { return words_.data(); }
    std::uint64_t* words() { return words_.data(); }

    void fill_all(std::uint32_t count) {
        for (auto& w : words_) w = 0;
        for (std::uint32_t i = 0; i < count; ++i) set(i);
    }
    void clear() { for (auto& w : words_) w = 0; }
    void assign(const LineItemSet& o) { for (std::size_t i = 0; i < words_.size(); ++i) words_[i] = o.words_[i]; }
    void and_with(const LineItemSet& o) { for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i]; }
    void or_with(const LineItemSet& o) { for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i]; }
    void and_not(const LineItemSet& o) { for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= ~o.words_[i]; }
    bool any() const { for (auto w : words_) if (w) return true; return false; }
    std::size_t count() const { std::size_t n = 0; for (auto w : words_) n += std::popcount(w); return n; }

    template <class F>
    void for_each(F&& f) const {
        for (std::size_t wi = 0; wi < words_.size(); ++wi) {
            for (std::uint64_t w = words_[wi]; w; w &= w - 1)
                f(static_cast<std::uint32_t>(wi * 64 + std::countr_zero(w)));
        }
    }

private:
    std::vector<std::uint64_t> words_;
};

}  // namespace bidline
