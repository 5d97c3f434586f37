#include "markup_slots.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace bidline::markup_detail {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Attributes whose value a browser loads or navigates to.
bool url_attribute(std::string_view name) {
    constexpr std::array kUrl = {"href", "src", "action", "formaction", "poster", "background", "cite", "srcset"};
    if (std::any_of(kUrl.begin(), kUrl.end(), [&](const char* u) { return iequals(name, u); })) return true;
    auto iends_with = [&](std::string_view suffix) {
        return name.size() > suffix.size() && iequals(name.substr(name.size() - suffix.size()), suffix);
    };
    return iends_with("src") || iends_with("href") || iends_with("url");  // data-src, xlink:href, data-url
}

enum class Language : std::uint8_t { html, xml };

enum class State : std::uint8_t {
    text, tag_name, tag, attr_name, after_attr, before_value, quoted, unquoted, comment, cdata, instruction, raw_text
};

// Walks the markup as a browser's or XML parser's tokenizer would, just far
// enough to know at each slot token whether it is text, CDATA, a quoted
// attribute value or somewhere else.
class ContextScanner {
public:
    ContextScanner(std::string_view markup, Language language) : m_(markup), language_(language) {}

    std::optional<std::string> assign(std::vector<SlotUse>& uses) {
        std::size_t u = 0;
        for (std::size_t i = 0; i < m_.size();) {
            if (u < uses.size() && i == uses[u].offset) {
                if (auto problem = context_here(uses[u].context)) {
                    failed_ = u;
                    return problem;
                }
                i += uses[u++].length;
                continue;
            }
            i = step(i);
        }
        return std::nullopt;
    }

    std::size_t failed() const { return failed_; }

private:
    std::optional<std::string> context_here(MarkupContext& context) const {
        const bool html = language_ == Language::html;
        switch (state_) {
            case State::text:
                context = html ? MarkupContext::html_text : MarkupContext::xml_text;
                return std::nullopt;
            case State::comment:
                if (!html) return std::string("inside an XML comment");
                context = MarkupContext::html_text;
                return std::nullopt;
            case State::cdata:
                context = MarkupContext::xml_cdata;
                return std::nullopt;
            case State::quoted:
                context = !html ? MarkupContext::xml_text
                                : url_attribute(attr_) ? MarkupContext::url_attribute : MarkupContext::html_attribute;
                return std::nullopt;
            case State::raw_text: return "inside <" + std::string(raw_tag_) + ">, whose text cannot be escaped";
            case State::instruction: return std::string("inside a processing instruction");
            default: return std::string("inside a tag: only text and quoted attribute values can hold a slot");
        }
    }

    // Advances over one character (or a construct's opener); returns the next index.
    std::size_t step(std::size_t i) {
        const char c = m_[i];
        const std::string_view rest = m_.substr(i);
        switch (state_) {
            case State::text:
                if (rest.starts_with("<!--")) return enter(State::comment, i + 4);
                if (language_ == Language::xml && rest.starts_with("<![CDATA[")) return enter(State::cdata, i + 9);
                if (language_ == Language::xml && rest.starts_with("<?")) return enter(State::instruction, i + 2);
                if (c == '<' && i + 1 < m_.size() && (std::isalpha(static_cast<unsigned char>(m_[i + 1])) || m_[i + 1] == '/' || m_[i + 1] == '!')) {
                    closing_ = m_[i + 1] == '/';
                    name_start_ = i + (closing_ ? 2 : 1);
                    return enter(State::tag_name, name_start_);
                }
                return i + 1;
            case State::tag_name:
                if (space(c) || c == '>' || c == '/') {
                    tag_ = m_.substr(name_start_, i - name_start_);
                    state_ = State::tag;
                    return i;
                }
                return i + 1;
            case State::tag:
                if (c == '>') {
                    const bool raw = language_ == Language::html && !closing_ && (iequals(tag_, "script") || iequals(tag_, "style"));
                    if (raw) raw_tag_ = tag_;
                    return enter(raw ? State::raw_text : State::text, i + 1);
                }
                if (!space(c) && c != '/') {
                    name_start_ = i;
                    state_ = State::attr_name;
                }
                return i + 1;
            case State::attr_name:
                if (c == '=' || space(c) || c == '>' || c == '/') {
                    attr_ = m_.substr(name_start_, i - name_start_);
                    state_ = State::after_attr;
                    return i;
                }
                return i + 1;
            case State::after_attr:
                if (c == '=') return enter(State::before_value, i + 1);
                if (space(c)) return i + 1;
                state_ = State::tag;
                return i;
            case State::before_value:
                if (c == '"' || c == '\'') {
                    quote_ = c;
                    return enter(State::quoted, i + 1);
                }
                if (space(c)) return i + 1;
                if (c == '>') {
                    state_ = State::tag;
                    return i;
                }
                return enter(State::unquoted, i + 1);
            case State::quoted: return c == quote_ ? enter(State::tag, i + 1) : i + 1;
            case State::unquoted:
                if (space(c)) return enter(State::tag, i + 1);
                if (c == '>') {
                    state_ = State::tag;
                    return i;
                }
                return i + 1;
            case State::comment: return rest.starts_with("-->") ? enter(State::text, i + 3) : i + 1;
            case State::cdata: return rest.starts_with("]]>") ? enter(State::text, i + 3) : i + 1;
            case State::instruction: return rest.starts_with("?>") ? enter(State::text, i + 2) : i + 1;
            case State::raw_text:
                if (c == '<' && rest.size() > 2 && rest[1] == '/' && istarts_with(rest.substr(2), raw_tag_)) {
                    state_ = State::text;
                    return i;
                }
                return i + 1;
        }
        return i + 1;
    }

    std::size_t enter(State s, std::size_t next) {
        state_ = s;
        return next;
    }

    std::string_view m_;
    Language language_;
    State state_ = State::text;
    std::size_t name_start_ = 0;
    bool closing_ = false;
    char quote_ = '"';
    std::string_view tag_, attr_, raw_tag_;
    std::size_t failed_ = 0;
};

std::string slot_list(const Creative& c) {
    std::string out;
    for (const TemplateSlot& s : c.slots) out.append(out.empty() ? "" : ", ").append(s.name);
    return out.empty() ? "none declared" : out;
}

}  // namespace

std::optional<MarkupProblem> find_slot_uses(const Creative& c, std::vector<SlotUse>& uses) {
    const std::string_view m = c.markup;
    for (std::size_t at = m.find("{{"); at != std::string_view::npos; at = m.find("{{", at + 1)) {
        std::size_t end = at + 2;
        while (end < m.size() && name_char(m[end])) ++end;
        if (end == at + 2 || !m.substr(end).starts_with("}}")) continue;  // not a slot token: plain text
        const std::string_view name = m.substr(at + 2, end - at - 2);
        const auto slot = std::find_if(c.slots.begin(), c.slots.end(), [&](const TemplateSlot& s) { return s.name == name; });
        if (slot == c.slots.end())
            return MarkupProblem{"markup", "{{" + std::string(name) + "}} names no slot of this creative (slots: " + slot_list(c) + ")"};
        uses.push_back(SlotUse{at, end + 2 - at, static_cast<std::uint8_t>(slot - c.slots.begin()), MarkupContext::json_string});
        at = end + 1;
    }
    if (c.format == MediaType::native) return std::nullopt;  // a slot in valid JSON can only sit in a string
    const Language language = c.format == MediaType::banner ? Language::html : Language::xml;
    ContextScanner scanner(m, language);
    if (auto problem = scanner.assign(uses)) {
        const SlotUse& bad = uses[scanner.failed()];
        return MarkupProblem{"markup", std::string(m.substr(bad.offset, bad.length)) + " is " + *problem};
    }
    return std::nullopt;
}

}  // namespace bidline::markup_detail
