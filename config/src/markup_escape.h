// Escaping of a template variant for the place it lands in (creative_markup.h),
// so that a variant is always text: it can neither close the element,
// attribute or string around it, nor form an OpenRTB macro — every `$` is
// escaped, so `${AUCTION_PRICE}` in a variant never reaches the exchange as
// `${`, while the macros written in the template itself stay as they are.
//
//   html_text, html_attribute, url_attribute: & < > " ' $ as entities
//   xml_text: the same with &apos;
//   xml_cdata: `]]>` and `${` split across two CDATA sections
//   json_string: " \ and control characters JSON-escaped; < > & $ as \u00XX
//
// noexcept and allocation-free: the bid path renders with it.
#pragma once

#include <cstddef>
#include <string_view>

#include "bidline/config/creative_markup.h"

namespace bidline::markup_detail {

// Appends to a bounded buffer; with no buffer it only counts (for sizes at load).
class MarkupOut {
public:
    MarkupOut(char* buffer, std::size_t cap) noexcept : p_(buffer), cap_(cap) {}
    void put(char c) noexcept {
        if (n_ < cap_ && p_ != nullptr) p_[n_] = c;
        ++n_;
    }
    void put(std::string_view s) noexcept {
        for (char c : s) put(c);
    }
    void put_uint(std::uint32_t v) noexcept;
    std::size_t size() const noexcept { return n_; }
    bool fits() const noexcept { return n_ <= cap_; }

private:
    char* p_;
    std::size_t cap_;
    std::size_t n_ = 0;
};

void put_escaped(MarkupOut& out, std::string_view text, MarkupContext context) noexcept;

}  // namespace bidline::markup_detail
