// Money as int64 micros of the account currency. OpenRTB prices are CPM
// doubles; they are converted here, at the edge, and nowhere else.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>

namespace bidline {

class Micros {
public:
    constexpr Micros() = default;
    constexpr explicit Micros(std::int64_t v) : v_(v) {}

    static constexpr Micros from_units(double units) { return Micros(std::llround(units * 1e6)); }
    // A CPM price is per thousand impressions; one impression costs CPM / 1000.
    static constexpr Micros per_impression_from_cpm(double cpm) { return Micros(std::llround(cpm * 1e3)); }
    static constexpr Micros cpm(double cpm) { return from_units(cpm); }

    constexpr std::int64_t value() const { return v_; }
    constexpr double units() const { return static_cast<double>(v_) / 1e6; }
    // This amount read as a CPM, for OpenRTB prices.
    constexpr double as_cpm() const { return units(); }

    constexpr Micros operator+(Micros o) const { return Micros(v_ + o.v_); }
    constexpr Micros operator-(Micros o) const { return Micros(v_ - o.v_); }
    constexpr Micros& operator+=(Micros o) { v_ += o.v_; return *this; }
    constexpr Micros& operator-=(Micros o) { v_ -= o.v_; return *this; }
    constexpr auto operator<=>(const Micros&) const = default;

private:
    std::int64_t v_ = 0;
};

}  // namespace bidline
