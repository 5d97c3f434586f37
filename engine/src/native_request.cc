#include "bidline/engine/native_request.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

namespace bidline {

namespace ondemand = simdjson::ondemand;
using simdjson::SUCCESS;

struct NativeRequestReader::Impl {
    explicit Impl(std::size_t max_bytes)
        : capacity(max_bytes),
          quoted(new char[max_bytes + 2 + simdjson::SIMDJSON_PADDING]),
          plain(new char[max_bytes + simdjson::SIMDJSON_PADDING]),
          json(max_bytes + 2) {
        // Sized once so that iterate() never allocates on the bid path.
        if (json.allocate(max_bytes + 2) != SUCCESS) throw std::bad_alloc();
    }
    std::size_t capacity;
    std::unique_ptr<char[]> quoted;  // "escaped", to let simdjson unescape it
    std::unique_ptr<char[]> plain;   // the unescaped Native request
    ondemand::parser json;
};

namespace {

bool read_uint(ondemand::value v, std::uint64_t max, std::uint64_t& out) noexcept {
    std::uint64_t n = 0;
    if (v.get_uint64().get(n) != SUCCESS || n > max) return false;
    out = n;
    return true;
}

template <class T>
bool read_small(ondemand::value v, T& out) noexcept {
    std::uint64_t n = 0;
    if (!read_uint(v, std::numeric_limits<T>::max(), n)) return false;
    out = static_cast<T>(n);
    return true;
}

// `required` is an integer flag (1.2) but some send a boolean.
bool read_required(ondemand::value v, bool& out) noexcept {
    bool b = false;
    if (v.get_bool().get(b) == SUCCESS) {
        out = b;
        return true;
    }
    std::uint64_t n = 0;
    if (!read_uint(v, 1, n)) return false;
    out = n == 1;
    return true;
}

bool read_media(ondemand::value v, NativeAsk& ask) noexcept {
    ondemand::object o;
    if (v.get_object().get(o) != SUCCESS) return false;
    for (auto field : o) {
        std::string_view key;
        ondemand::value f;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(f) != SUCCESS) return false;
        bool ok = true;
        if (key == "len") ok = read_small(f, ask.len);
        else if (key == "type") ok = read_small(f, ask.type);
        else if (key == "w") ok = read_small(f, ask.w);
        else if (key == "h") ok = read_small(f, ask.h);
        else if (key == "wmin") ok = read_small(f, ask.wmin);
        else if (key == "hmin") ok = read_small(f, ask.hmin);
        if (!ok) return false;
    }
    return true;
}

bool read_asset(ondemand::value v, NativeAsk& ask) noexcept {
    ondemand::object o;
    if (v.get_object().get(o) != SUCCESS) return false;
    bool has_id = false;
    for (auto field : o) {
        std::string_view key;
        ondemand::value f;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(f) != SUCCESS) return false;
        bool ok = true;
        if (key == "id") ok = has_id = read_small(f, ask.id);
        else if (key == "required") ok = read_required(f, ask.required);
        else if (key == "title") ask.kind = NativeAssetKind::title, ok = read_media(f, ask);
        else if (key == "img") ask.kind = NativeAssetKind::img, ok = read_media(f, ask);
        else if (key == "data") ask.kind = NativeAssetKind::data, ok = read_media(f, ask);
        else if (key == "video") ask.kind = NativeAssetKind::video;  // its protocols and durations are not checked
        if (!ok) return false;
    }
    return has_id && ask.id != NativeAnswer::kNotServed;
}

bool read_assets(ondemand::value v, NativeAsks& out) noexcept {
    ondemand::array assets;
    if (v.get_array().get(assets) != SUCCESS) return false;
    for (auto element : assets) {
        ondemand::value a;
        if (element.get(a) != SUCCESS || out.count == NativeAsks::kCapacity) return false;
        NativeAsk ask;
        if (!read_asset(a, ask)) return false;
        out.items[out.count++] = ask;
    }
    return true;
}

// The request object, or the wrapper around it (Native 1.0/1.1).
bool read_request(ondemand::object o, NativeAsks& out, bool& found) noexcept {
    for (auto field : o) {
        std::string_view key;
        ondemand::value f;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(f) != SUCCESS) return false;
        if (key == "assets") {
            if (!read_assets(f, out)) return false;
            found = true;
        } else if (key == "native") {
            ondemand::object inner;
            if (f.get_object().get(inner) != SUCCESS || !read_request(inner, out, found)) return false;
        }
    }
    return true;
}

}  // namespace

NativeRequestReader::NativeRequestReader(std::size_t max_request_bytes) : impl_(std::make_unique<Impl>(max_request_bytes)) {}
NativeRequestReader::~NativeRequestReader() = default;

bool NativeRequestReader::read(std::string_view escaped, NativeAsks& out) noexcept {
    out.count = 0;
    Impl& m = *impl_;
    if (escaped.size() > m.capacity) return false;
    // Unescaping is simdjson's: the contents go back between quotes and are read as a string.
    m.quoted[0] = '"';
    std::memcpy(m.quoted.get() + 1, escaped.data(), escaped.size());
    m.quoted[escaped.size() + 1] = '"';
    ondemand::document doc;
    std::string_view plain;
    if (m.json.iterate(m.quoted.get(), escaped.size() + 2, m.capacity + 2 + simdjson::SIMDJSON_PADDING).get(doc) != SUCCESS ||
        doc.get_string().get(plain) != SUCCESS)
        return false;
    std::memcpy(m.plain.get(), plain.data(), plain.size());
    ondemand::object root;
    if (m.json.iterate(m.plain.get(), plain.size(), m.capacity + simdjson::SIMDJSON_PADDING).get(doc) != SUCCESS ||
        doc.get_object().get(root) != SUCCESS)
        return false;
    bool found = false;
    return read_request(root, out, found) && found;
}

namespace {

bool fits_len(std::uint32_t offered, std::uint32_t asked) { return asked == 0 || offered <= asked; }

bool answers(const NativeOffer& o, const NativeAsk& a) noexcept {
    if (o.kind != a.kind) return false;
    switch (o.kind) {
        case NativeAssetKind::title: return fits_len(o.len, a.len);
        case NativeAssetKind::data: return (a.type == 0 || o.type == a.type) && fits_len(o.len, a.len);
        case NativeAssetKind::img:
            if (a.type != 0 && o.type != a.type) return false;
            if (a.wmin != 0 || a.hmin != 0) return o.w >= a.wmin && o.h >= a.hmin;
            return (a.w == 0 || o.w == a.w) && (a.h == 0 || o.h == a.h);
        case NativeAssetKind::video: return true;
        case NativeAssetKind::other: return false;
    }
    return false;
}

// The first offer not yet used that answers `ask`; offers.size() if none.
std::size_t find_offer(std::span<const NativeOffer> offers, const NativeAnswer& answer, const NativeAsk& ask) noexcept {
    for (std::size_t i = 0; i < offers.size(); ++i)
        if (answer.request_id[i] == NativeAnswer::kNotServed && answers(offers[i], ask)) return i;
    return offers.size();
}

}  // namespace

bool answer_native(std::span<const NativeOffer> offers, const NativeAsks& asks, NativeAnswer& answer) noexcept {
    answer.request_id.fill(NativeAnswer::kNotServed);
    offers = offers.first(std::min(offers.size(), kMaxNativeAssets));
    bool any = false;
    for (const bool required : {true, false}) {
        for (const NativeAsk& ask : asks.asks()) {
            if (ask.required != required) continue;
            const std::size_t i = find_offer(offers, answer, ask);
            if (i == offers.size()) {
                if (required) return false;
                continue;
            }
            answer.request_id[i] = ask.id;
            any = true;
        }
    }
    return any || asks.count == 0;  // a request that asks for nothing in particular
}

}  // namespace bidline
