// Where a template's slots sit in its markup (creative_markup.h): each
// `{{name}}` token, the slot it names and the context that decides its
// escaping, found by a small tokenizer of the markup's language (HTML for
// banners, XML for VAST, JSON for native). Load time only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bidline/config/creative_markup.h"

namespace bidline::markup_detail {

struct SlotUse {
    std::size_t offset = 0, length = 0;  // the `{{name}}` token
    std::uint8_t slot = 0;               // index into Creative::slots
    MarkupContext context = MarkupContext::html_text;
};

// The slot tokens of c.markup in order; a problem names a token that is no
// slot of c or sits where no escaping keeps its text text.
std::optional<MarkupProblem> find_slot_uses(const Creative& c, std::vector<SlotUse>& uses);

}  // namespace bidline::markup_detail
