#include "markup_escape.h"

#include <array>

namespace bidline::markup_detail {
namespace {

void put_html(MarkupOut& out, std::string_view text, std::string_view apostrophe) noexcept {
    for (char c : text) {
        switch (c) {
            case '&': out.put("&amp;"); break;
            case '<': out.put("&lt;"); break;
            case '>': out.put("&gt;"); break;
            case '"': out.put("&quot;"); break;
            case '\'': out.put(apostrophe); break;
            case '$': out.put("&#36;"); break;
            default: out.put(c);
        }
    }
}

// Inside CDATA nothing is an escape: a `]]>` or `${` is cut by closing the
// section between its characters and opening a new one.
void put_cdata(MarkupOut& out, std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        out.put(text[i]);
        const bool ends_cdata = text[i] == ']' && text.substr(i + 1).starts_with("]>");
        const bool opens_macro = text[i] == '$' && text.substr(i + 1).starts_with('{');
        if (ends_cdata) {
            out.put(']');
            ++i;
            out.put("]]><![CDATA[");
        } else if (opens_macro) {
            out.put("]]><![CDATA[");
        }
    }
}

void put_json(MarkupOut& out, std::string_view text) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.put('\\');
            out.put(c);
        } else if (u < 0x20 || c == '<' || c == '>' || c == '&' || c == '$') {
            out.put("\\u00");
            out.put(kHex[u >> 4]);
            out.put(kHex[u & 15]);
        } else {
            out.put(c);
        }
    }
}

}  // namespace

void MarkupOut::put_uint(std::uint32_t v) noexcept {
    std::array<char, 10> digits{};
    std::size_t n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
}

void put_escaped(MarkupOut& out, std::string_view text, MarkupContext context) noexcept {
    switch (context) {
        case MarkupContext::html_text:
        case MarkupContext::html_attribute:
        case MarkupContext::url_attribute: put_html(out, text, "&#39;"); return;
        case MarkupContext::xml_text: put_html(out, text, "&apos;"); return;
        case MarkupContext::xml_cdata: put_cdata(out, text); return;
        case MarkupContext::json_string: put_json(out, text); return;
    }
}

}  // namespace bidline::markup_detail
