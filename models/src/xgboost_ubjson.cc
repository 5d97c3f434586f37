// XGBoost's UBJSON model encoding (.ubj) → Document. A small reader of the
// subset XGBoost writes: big-endian numbers, objects whose keys carry a
// length but no 'S' marker, strings, and "optimised" arrays with a count
// (`[#L n`) and optionally one element type (`[$d#L n`, how XGBoost stores
// split conditions, children and the like).
#include <bit>
#include <cstring>
#include <string>

#include "bidline/models/model_load_error.h"
#include "xgboost_document.h"

namespace bidline::models::xgboost {
namespace {

class UbjsonReader {
public:
    explicit UbjsonReader(std::string_view bytes) : bytes_(bytes) {}

    Document document() {
        Document d = value(next_marker());
        if (pos_ != bytes_.size()) fail("trailing bytes after the document");
        return d;
    }

private:
    static constexpr int kMaxNesting = 64;  // models nest about 6 deep

    [[noreturn]] void fail(const std::string& what) const {
        throw ModelLoadError("bad UBJSON at byte " + std::to_string(pos_) + ": " + what);
    }

    char next_marker() {
        char m = 'N';
        while (m == 'N') {  // 'N' is a no-op filler
            if (pos_ >= bytes_.size()) fail("unexpected end of data");
            m = bytes_[pos_++];
        }
        return m;
    }

    template <class T>
    T big_endian() {
        if (bytes_.size() - pos_ < sizeof(T)) fail("unexpected end of data");
        T v;
        std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
            using U = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
            U u;
            std::memcpy(&u, &v, sizeof(T));
            u = byteswap(u);
            std::memcpy(&v, &u, sizeof(T));
        }
        return v;
    }

    template <class U>
    static U byteswap(U u) {
        if constexpr (sizeof(U) == 2)
            return static_cast<U>(__builtin_bswap16(u));
        else if constexpr (sizeof(U) == 4)
            return __builtin_bswap32(u);
        else
            return __builtin_bswap64(u);
    }

    // True and the number in `out` when `marker` is a numeric type.
    bool number(char marker, double& out) {
        switch (marker) {
            case 'i':
                out = big_endian<std::int8_t>();
                return true;
            case 'U':
                out = big_endian<std::uint8_t>();
                return true;
            case 'I':
                out = big_endian<std::int16_t>();
                return true;
            case 'l':
                out = big_endian<std::int32_t>();
                return true;
            case 'L':
                out = static_cast<double>(big_endian<std::int64_t>());
                return true;
            case 'd':
                out = big_endian<float>();
                return true;
            case 'D':
                out = big_endian<double>();
                return true;
            default:
                return false;
        }
    }

    std::size_t length() {
        double n = 0;
        // Range check before the cast: a float count ≥ 2^64 (or NaN) would make it UB (found by fuzzing).
        if (!number(next_marker(), n) || !(n >= 0 && n < 0x1p64) || n != static_cast<double>(static_cast<std::size_t>(n)))
            fail("bad length");
        if (n > static_cast<double>(bytes_.size() - pos_) && n > 0) {
            // A count can exceed the remaining bytes only for empty types; none here.
            fail("length " + std::to_string(static_cast<std::size_t>(n)) + " runs past the end of the data");
        }
        return static_cast<std::size_t>(n);
    }

    std::string text() {
        const std::size_t n = length();
        std::string s(bytes_.substr(pos_, n));
        pos_ += n;
        return s;
    }

    Document value(char marker) {
        Document d;
        if (number(marker, d.number)) {
            d.kind = Document::Kind::kNumber;
            return d;
        }
        switch (marker) {
            case 'Z':
                return d;
            case 'T':
            case 'F':
                d.kind = Document::Kind::kBool;
                d.boolean = marker == 'T';
                return d;
            case 'C':
                d.kind = Document::Kind::kString;
                d.text = std::string(1, static_cast<char>(big_endian<std::uint8_t>()));
                return d;
            case 'S':
                d.kind = Document::Kind::kString;
                d.text = text();
                return d;
            case '[':
                return array();
            case '{':
                return object();
            default:
                fail(std::string("unknown type marker '") + marker + "'");
        }
    }

    Document array() {
        if (++depth_ > kMaxNesting) fail("nesting too deep");
        Document d;
        d.kind = Document::Kind::kArray;
        char type = 0;
        if (pos_ < bytes_.size() && bytes_[pos_] == '$') {
            ++pos_;
            type = next_marker();
            if (pos_ >= bytes_.size() || bytes_[pos_] != '#') fail("typed array without a count");
        }
        if (pos_ < bytes_.size() && bytes_[pos_] == '#') {
            ++pos_;
            const std::size_t n = length();
            const bool numeric_type = type != 0 && type != '[' && type != '{' && type != 'S';
            if (numeric_type) {
                d.kind = Document::Kind::kNumberArray;
                d.numbers.resize(n);
                for (double& x : d.numbers)
                    if (!number(type, x)) fail(std::string("unsupported typed array element '") + type + "'");
            } else {
                for (std::size_t i = 0; i < n; ++i) d.items.push_back(value(type != 0 ? type : next_marker()));
            }
        } else {
            for (char m = next_marker(); m != ']'; m = next_marker()) d.items.push_back(value(m));
        }
        if (d.kind == Document::Kind::kArray && !d.items.empty()) collapse_numbers(d);
        --depth_;
        return d;
    }

    // `[#L n i.. i..]` (untyped, counted) arrays of numbers become number arrays too.
    static void collapse_numbers(Document& d) {
        for (const Document& item : d.items)
            if (item.kind != Document::Kind::kNumber) return;
        d.kind = Document::Kind::kNumberArray;
        for (const Document& item : d.items) d.numbers.push_back(item.number);
        d.items.clear();
    }

    Document object() {
        if (++depth_ > kMaxNesting) fail("nesting too deep");
        Document d;
        d.kind = Document::Kind::kObject;
        if (pos_ < bytes_.size() && (bytes_[pos_] == '$' || bytes_[pos_] == '#'))
            fail("optimised objects are not supported");
        while (true) {
            if (pos_ >= bytes_.size()) fail("unexpected end of data in an object");
            if (bytes_[pos_] == '}') {
                ++pos_;
                break;
            }
            std::string key = text();
            d.fields.emplace_back(std::move(key), value(next_marker()));
        }
        --depth_;
        return d;
    }

    std::string_view bytes_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

Document parse_ubjson(std::string_view bytes) { return UbjsonReader(bytes).document(); }

}  // namespace bidline::models::xgboost
