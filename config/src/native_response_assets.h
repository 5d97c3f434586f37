// The assets of a native creative's response (its markup) with where each
// sits in the markup, for compile_markup: what each offers the request
// (kind, type, size, text) and the span of its `id` value, which serving
// replaces with the request asset's id. Load time only (simdjson
// On-Demand for the byte positions).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/config/creative_markup.h"

namespace bidline::markup_detail {

struct NativeAssetSpan {
    std::size_t begin = 0, end = 0;         // the asset object, `{` to `}` inclusive
    std::size_t id_begin = 0, id_end = 0;   // its `id` value; equal = no id written
    NativeOffer offer;
    std::string text;                       // title text or data value, unescaped (slots still as tokens)
};

// The response's assets in order; a problem for more than
// kMaxNativeAssets assets or an id that is not a non-negative integer.
std::optional<std::string> native_response_assets(std::string_view markup, std::vector<NativeAssetSpan>& out);

}  // namespace bidline::markup_detail
