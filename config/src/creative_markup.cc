// compile_markup cuts the markup at every slot token and native asset
// boundary into pieces; render_markup replays them with the request's
// variants and asset ids.
#include "bidline/config/creative_markup.h"

#include <algorithm>

#include "markup_escape.h"
#include "markup_slots.h"
#include "native_response_assets.h"

namespace bidline {
namespace {

using markup_detail::MarkupOut;
using markup_detail::NativeAssetSpan;
using markup_detail::SlotUse;

constexpr std::size_t kMaxIdDigits = 10;

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<MarkupProblem> slot_problem(const Creative& c, const std::vector<SlotUse>& uses) {
    if (c.slots.size() > kMaxTemplateSlots)
        return MarkupProblem{"slots", "at most " + std::to_string(kMaxTemplateSlots) + " slots per creative"};
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        const TemplateSlot& s = c.slots[i];
        const std::string where = "slot \"" + s.name + "\": ";
        if (s.variants.empty()) return MarkupProblem{"slots", where + "needs at least one variant"};
        if (s.variants.size() > kMaxSlotVariants)
            return MarkupProblem{"slots", where + "at most " + std::to_string(kMaxSlotVariants) + " variants"};
        const bool used = std::any_of(uses.begin(), uses.end(), [&](const SlotUse& u) { return u.slot == i; });
        if (!used) return MarkupProblem{"slots", where + "the markup has no {{" + s.name + "}}"};
        const bool url = std::any_of(uses.begin(), uses.end(), [&](const SlotUse& u) {
            return u.slot == i && u.context == MarkupContext::url_attribute;
        });
        for (const std::string& v : s.variants)
            if (url && !v.starts_with("https://") && !v.starts_with("http://"))
                return MarkupProblem{"slots", where + "fills a URL attribute, so every variant must be an http(s) URL, not \"" + v + "\""};
    }
    return std::nullopt;
}

// Characters of an asset's text with the longest variant in each slot token.
std::uint32_t longest_text(const Creative& c, std::string_view text) {
    std::size_t n = code_points(text);
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        const std::string token = "{{" + c.slots[i].name + "}}";
        std::size_t longest = 0;
        for (const std::string& v : c.slots[i].variants) longest = std::max(longest, code_points(v));
        for (std::size_t at = text.find(token); at != std::string_view::npos; at = text.find(token, at + token.size()))
            n = n - token.size() + longest;
    }
    return static_cast<std::uint32_t>(n);
}

struct Cut {
    std::size_t at = 0, resume = 0;  // a piece goes at `at`; the markup continues at `resume`
    std::optional<MarkupPiece> piece;
};

std::uint8_t asset_at(const std::vector<NativeAssetSpan>& assets, std::size_t pos) {
    for (std::size_t j = 0; j < assets.size(); ++j)
        if (assets[j].begin <= pos && pos < assets[j].end) return static_cast<std::uint8_t>(j);
    return MarkupPiece::kAnyAsset;
}

std::vector<Cut> cuts_of(const std::vector<SlotUse>& uses, const std::vector<NativeAssetSpan>& assets) {
    std::vector<Cut> cuts;
    for (const SlotUse& u : uses) {
        MarkupPiece p{MarkupPiece::Kind::slot, u.context, u.slot};
        cuts.push_back({u.offset, u.offset + u.length, p});
    }
    for (std::size_t j = 0; j < assets.size(); ++j) {
        const NativeAssetSpan& a = assets[j];
        cuts.push_back({a.begin, a.begin, MarkupPiece{MarkupPiece::Kind::asset_start}});
        if (a.id_end > a.id_begin) {
            MarkupPiece id{MarkupPiece::Kind::asset_id};
            id.offset = static_cast<std::uint32_t>(a.id_begin);
            id.length = static_cast<std::uint32_t>(a.id_end - a.id_begin);
            cuts.push_back({a.id_begin, a.id_end, id});
        } else {
            cuts.push_back({a.begin + 1, a.begin + 1, MarkupPiece{MarkupPiece::Kind::asset_id_key}});
        }
        // Between assets only commas and blanks: asset_start writes the commas.
        // After the last one, a cut all the same: the text beyond is no asset's.
        cuts.push_back({a.end, j + 1 < assets.size() ? assets[j + 1].begin : a.end, std::nullopt});
    }
    std::stable_sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) { return a.at < b.at; });
    return cuts;
}

std::size_t longest_escaped(const TemplateSlot& s, MarkupContext context) {
    std::size_t longest = 0;
    for (const std::string& v : s.variants) {
        MarkupOut count(nullptr, 0);
        markup_detail::put_escaped(count, v, context);
        longest = std::max(longest, count.size());
    }
    return longest;
}

std::size_t max_size(const Creative& c, const CreativeMarkup& m) {
    std::size_t n = 0;
    for (const MarkupPiece& p : m.pieces) {
        switch (p.kind) {
            case MarkupPiece::Kind::text: n += p.length; break;
            case MarkupPiece::Kind::slot: n += longest_escaped(c.slots[p.index], p.context); break;
            case MarkupPiece::Kind::asset_start: n += 1; break;
            case MarkupPiece::Kind::asset_id: n += std::max<std::size_t>(kMaxIdDigits, p.length); break;
            case MarkupPiece::Kind::asset_id_key: n += 6 + kMaxIdDigits; break;  // "id":N,
        }
    }
    return n;
}

}  // namespace

std::optional<MarkupProblem> compile_markup(const Creative& c, CreativeMarkup& out) {
    out = CreativeMarkup{};
    std::vector<SlotUse> uses;
    if (auto problem = markup_detail::find_slot_uses(c, uses)) return problem;
    if (auto problem = slot_problem(c, uses)) return problem;
    std::vector<NativeAssetSpan> assets;
    if (c.format == MediaType::native) {
        if (auto problem = markup_detail::native_response_assets(c.markup, assets))
            return MarkupProblem{"markup", "native: " + *problem};
        for (NativeAssetSpan& a : assets) {
            if (a.offer.kind == NativeAssetKind::title || a.offer.kind == NativeAssetKind::data)
                a.offer.len = longest_text(c, a.text);
            out.native_assets.push_back(a.offer);
        }
    }
    if (uses.empty() && assets.empty()) return std::nullopt;  // served as it is
    std::size_t pos = 0;
    for (const Cut& cut : cuts_of(uses, assets)) {
        if (cut.at > pos) {
            MarkupPiece text{MarkupPiece::Kind::text};
            text.asset = asset_at(assets, pos);
            text.offset = static_cast<std::uint32_t>(pos);
            text.length = static_cast<std::uint32_t>(cut.at - pos);
            out.pieces.push_back(text);
        }
        if (cut.piece) {
            MarkupPiece p = *cut.piece;
            p.asset = asset_at(assets, cut.at);
            out.pieces.push_back(p);
        }
        pos = std::max(pos, cut.resume);
    }
    if (pos < c.markup.size()) {
        MarkupPiece text{MarkupPiece::Kind::text};
        text.offset = static_cast<std::uint32_t>(pos);
        text.length = static_cast<std::uint32_t>(c.markup.size() - pos);
        out.pieces.push_back(text);
    }
    out.max_size = max_size(c, out);
    return std::nullopt;
}

std::size_t render_markup(const Creative& c, const CreativeMarkup& m, const VariantChoice& variants,
                          const NativeAnswer* native, std::span<char> buffer) noexcept {
    MarkupOut out(buffer.data(), buffer.size());
    const std::string_view markup = c.markup;
    bool asset_written = false;
    for (const MarkupPiece& p : m.pieces) {
        const bool served = p.asset == MarkupPiece::kAnyAsset || native == nullptr ||
                            native->request_id[p.asset] != NativeAnswer::kNotServed;
        if (!served) continue;
        switch (p.kind) {
            case MarkupPiece::Kind::text: out.put(markup.substr(p.offset, p.length)); break;
            case MarkupPiece::Kind::slot: {
                const auto& options = c.slots[p.index].variants;
                const std::size_t v = variants[p.index] < options.size() ? variants[p.index] : 0;
                markup_detail::put_escaped(out, options[v], p.context);
                break;
            }
            case MarkupPiece::Kind::asset_start:
                if (asset_written) out.put(',');
                asset_written = true;
                break;
            case MarkupPiece::Kind::asset_id:
                if (native != nullptr) out.put_uint(native->request_id[p.asset]);
                else out.put(markup.substr(p.offset, p.length));
                break;
            case MarkupPiece::Kind::asset_id_key:
                if (native == nullptr) break;
                out.put("\"id\":");
                out.put_uint(native->request_id[p.asset]);
                out.put(',');
                break;
        }
    }
    return out.fits() ? out.size() : 0;
}

}  // namespace bidline
