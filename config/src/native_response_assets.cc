#include "native_response_assets.h"

#include <simdjson.h>

#include <algorithm>

namespace bidline::markup_detail {
namespace {

namespace ondemand = simdjson::ondemand;
using simdjson::SUCCESS;

std::uint16_t dimension(ondemand::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) != SUCCESS || n < 0) return 0;
    return static_cast<std::uint16_t>(std::min<std::int64_t>(n, 65535));
}

std::uint8_t asset_type(ondemand::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) != SUCCESS || n < 0 || n > 255) return 0;
    return static_cast<std::uint8_t>(n);
}

// One asset object: its kind and what it offers, and where its id sits
// (`base`: the asset's offset in the markup).
std::optional<std::string> read_asset(std::string_view raw, std::size_t base, NativeAssetSpan& out) {
    ondemand::parser parser;
    const simdjson::padded_string json(raw);
    ondemand::document doc;
    ondemand::object asset;
    if (parser.iterate(json).get(doc) != SUCCESS || doc.get_object().get(asset) != SUCCESS)
        return std::string("an asset is not an object");
    const char* const start = json.data();
    for (auto field : asset) {
        std::string_view key;
        ondemand::value v;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return std::string("malformed asset");
        if (key == "id") {
            std::string_view token;
            std::uint64_t id = 0;
            token = v.raw_json_token();
            while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\t' || token.back() == '\r'))
                token.remove_suffix(1);
            if (v.get_uint64().get(id) != SUCCESS || id > 0xfffffffeULL)
                return std::string("an asset id must be a non-negative integer");
            out.id_begin = base + static_cast<std::size_t>(token.data() - start);
            out.id_end = out.id_begin + token.size();
        } else if (key == "title" || key == "data") {
            const bool title = key == "title";
            out.offer.kind = title ? NativeAssetKind::title : NativeAssetKind::data;
            ondemand::object o;
            if (v.get_object().get(o) != SUCCESS) return "\"" + std::string(key) + "\" must be an object";
            for (auto f : o) {
                std::string_view k, text;
                ondemand::value fv;
                if (f.unescaped_key().get(k) != SUCCESS || f.value().get(fv) != SUCCESS) return std::string("malformed asset");
                if (k == (title ? "text" : "value") && fv.get_string().get(text) == SUCCESS) out.text = std::string(text);
                if (!title && k == "type") out.offer.type = asset_type(fv);
            }
        } else if (key == "img") {
            out.offer.kind = NativeAssetKind::img;
            out.offer.type = 3;  // Native 1.2: a response img without a type is the main image
            ondemand::object o;
            if (v.get_object().get(o) != SUCCESS) return std::string("\"img\" must be an object");
            for (auto f : o) {
                std::string_view k;
                ondemand::value fv;
                if (f.unescaped_key().get(k) != SUCCESS || f.value().get(fv) != SUCCESS) return std::string("malformed asset");
                if (k == "w") out.offer.w = dimension(fv);
                if (k == "h") out.offer.h = dimension(fv);
                if (k == "type") out.offer.type = asset_type(fv);
            }
        } else if (key == "video") {
            out.offer.kind = NativeAssetKind::video;
        }
    }
    return std::nullopt;
}

std::optional<std::string> read_assets(ondemand::array assets, const char* start, std::vector<NativeAssetSpan>& out) {
    for (auto element : assets) {
        ondemand::object asset;
        std::string_view raw;
        if (element.get_object().get(asset) != SUCCESS || asset.raw_json().get(raw) != SUCCESS)
            return std::string("an asset is not an object");
        raw = raw.substr(0, raw.rfind('}') + 1);  // the span runs to the next token: drop the whitespace
        if (out.size() == kMaxNativeAssets) return "more than " + std::to_string(kMaxNativeAssets) + " assets";
        NativeAssetSpan span;
        span.begin = static_cast<std::size_t>(raw.data() - start);
        span.end = span.begin + raw.size();
        if (auto problem = read_asset(raw, span.begin, span)) return problem;
        out.push_back(std::move(span));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> native_response_assets(std::string_view markup, std::vector<NativeAssetSpan>& out) {
    ondemand::parser parser;
    const simdjson::padded_string json(markup);
    ondemand::document doc;
    ondemand::object root;
    if (parser.iterate(json).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS)
        return std::string("not a JSON object");
    // Native 1.0-1.1 wrap the response in {"native": {...}}; 1.2 may not.
    bool found = false;
    for (auto field : root) {
        std::string_view key;
        ondemand::value v;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return std::string("malformed JSON");
        ondemand::array assets;
        if (key == "assets" && v.get_array().get(assets) == SUCCESS) {
            found = true;
            if (auto problem = read_assets(assets, json.data(), out)) return problem;
        } else if (key == "native") {
            ondemand::object native;
            if (v.get_object().get(native) != SUCCESS) return std::string("\"native\" must be an object");
            for (auto inner : native) {
                std::string_view k;
                ondemand::value iv;
                if (inner.unescaped_key().get(k) != SUCCESS || inner.value().get(iv) != SUCCESS) return std::string("malformed JSON");
                if (k == "assets" && iv.get_array().get(assets) == SUCCESS) {
                    found = true;
                    if (auto problem = read_assets(assets, json.data(), out)) return problem;
                }
            }
        }
    }
    if (!found) return std::string("the Native response has no \"assets\" list");
    return std::nullopt;
}

}  // namespace bidline::markup_detail
