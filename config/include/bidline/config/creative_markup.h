// A creative's markup compiled for serving. Two things make an `adm`
// differ per request, and both are found here once, off the hot path:
//
// - Template slots: `{{name}}` in the markup is replaced by one of the
//   slot's variants (Creative::slots), escaped for where it sits — HTML
//   text or attribute (banner), XML text or CDATA (VAST), a JSON string
//   (native). Slot names are letters, digits and `_`.
// - Native asset ids: a native creative's response assets answer the
//   request's assets by kind and type, not by the id written in the
//   creative; the served response carries only the assets that answer
//   one, each with the request asset's id (NativeAnswer).
//
// compile_markup runs when a configuration loads (its problems become
// config errors) and when the catalog is built; render_markup runs on the
// bid path: noexcept, no allocation, into the caller's buffer. Pure; any
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bidline/config/campaign_model.h"

namespace bidline {

inline constexpr std::size_t kMaxTemplateSlots = 4;   // ShardEvent carries one variant byte per slot
inline constexpr std::size_t kMaxSlotVariants = 32;
inline constexpr std::size_t kMaxNativeAssets = 16;

// The variant chosen per slot (in Creative::slots order); unused = 0.
using VariantChoice = std::array<std::uint8_t, kMaxTemplateSlots>;
inline constexpr std::uint8_t kNoVariant = 0xff;  // in events: no template / slot
inline constexpr VariantChoice kNoVariants = {kNoVariant, kNoVariant, kNoVariant, kNoVariant};

// Where a slot's text lands, which decides its escaping.
enum class MarkupContext : std::uint8_t { html_text, html_attribute, url_attribute, xml_text, xml_cdata, json_string };

enum class NativeAssetKind : std::uint8_t { title, img, data, video, other };

// What one asset of a native creative's response can answer.
struct NativeOffer {
    NativeAssetKind kind = NativeAssetKind::other;
    std::uint8_t type = 0;       // img: the response's img.type, 3 (main) when absent; data: data.type, 0 = untyped
    std::uint16_t w = 0, h = 0;  // img; 0 = not given
    std::uint32_t len = 0;       // title text / data value in characters, with the longest variants
};

// For each native asset of the creative (NativeOffer order): the request
// asset id it answers, or kNotServed.
struct NativeAnswer {
    static constexpr std::uint32_t kNotServed = ~std::uint32_t{0};
    std::array<std::uint32_t, kMaxNativeAssets> request_id{};
};

struct MarkupPiece {
    enum class Kind : std::uint8_t {
        text,          // markup[offset, offset + length)
        slot,          // the chosen variant of slot `index`, escaped for `context`
        asset_start,   // a comma before every served asset but the first
        asset_id,      // the request id answered by asset `asset` (replaces the creative's id)
        asset_id_key,  // `"id":N,` for an asset written without an id
    };
    static constexpr std::uint8_t kAnyAsset = 0xff;
    Kind kind = Kind::text;
    MarkupContext context = MarkupContext::html_text;
    std::uint8_t index = 0;                // slot
    std::uint8_t asset = kAnyAsset;        // the native asset the piece belongs to: dropped when it is not served
    std::uint32_t offset = 0, length = 0;  // text
};

struct CreativeMarkup {
    std::vector<MarkupPiece> pieces;         // empty: serve Creative::markup as it is
    std::vector<NativeOffer> native_assets;  // native creatives
    std::size_t max_size = 0;                // rendered, with the longest variants and ids
    bool rendered() const { return !pieces.empty(); }
};

struct MarkupProblem {
    std::string field;  // "markup" or "slots"
    std::string reason;
};

// Compiles `c` (whose markup passed the format checks); a problem names the
// field to blame: an unknown slot, a slot without variants or unused, a slot
// where nothing can escape it (a tag name, an unquoted attribute, inside
// <script>), a URL attribute variant that is not http(s), native assets
// beyond kMaxNativeAssets or a non-integer asset id.
[[nodiscard]] std::optional<MarkupProblem> compile_markup(const Creative& c, CreativeMarkup& out);

// Writes the markup with `variants` (and, for native, the assets `native`
// answers; null = every asset with its own id) into `out`; returns the
// length, 0 when it does not fit.
[[nodiscard]] std::size_t render_markup(const Creative& c, const CreativeMarkup& m, const VariantChoice& variants,
                                        const NativeAnswer* native, std::span<char> out) noexcept;

}  // namespace bidline
