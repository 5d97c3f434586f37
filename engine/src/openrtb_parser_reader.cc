// The out-of-line (mostly cold) half of ValueReader and FieldPath: error
// recording, path rendering and the rarer value forms.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "openrtb_field_path.h"
#include "openrtb_value_reader.h"

namespace bidline::openrtb {

namespace {

// Appends `s` to out[0, cap-1) at `pos`, keeping room for the NUL.
std::size_t append(char* out, std::size_t cap, std::size_t pos, std::string_view s) {
    std::size_t n = std::min(s.size(), cap - 1 - pos);
    std::memcpy(out + pos, s.data(), n);
    return pos + n;
}

}  // namespace

void FieldPath::render(char* out, std::size_t cap) const {
    if (cap == 0) return;
    std::size_t pos = 0;
    bool first = true;
    for (std::size_t d = 0; d < depth_; ++d) {
        const Segment& s = segments_[d];
        if (s.key.empty() && s.index < 0) continue;  // between fields, e.g. a malformed key
        if (!first) pos = append(out, cap, pos, ".");
        first = false;
        pos = append(out, cap, pos, s.key);
        if (s.index >= 0) {
            char digits[16];
            auto [end, ec] = std::to_chars(digits, digits + sizeof digits, s.index);
            (void)ec;  // 16 digits always fit an int32
            pos = append(out, cap, pos, "[");
            pos = append(out, cap, pos, std::string_view(digits, static_cast<std::size_t>(end - digits)));
            pos = append(out, cap, pos, "]");
        }
    }
    if (first) pos = append(out, cap, pos, "(document)");
    out[pos] = '\0';
}

bool ValueReader::fail(OpenRtbErrc code, std::string_view message) {
    error_.code = code;
    error_.message = message;
    path_.render(error_.detail, sizeof error_.detail);
    return false;
}

bool ValueReader::fail_json(simdjson::error_code code) {
    switch (code) {
        case simdjson::INCORRECT_TYPE:
            return fail(OpenRtbErrc::wrong_type, "wrong JSON type");
        case simdjson::NUMBER_OUT_OF_RANGE:
            return fail(OpenRtbErrc::wrong_type, "number out of range");
        case simdjson::CAPACITY:
            return fail(OpenRtbErrc::too_large, "request larger than the parser's capacity");
        default:
            return fail(OpenRtbErrc::not_json, simdjson::error_message(code));
    }
}

bool ValueReader::read_escaped_string(ondemand::value& v, std::string_view& out) {
    json_type t{};
    if (!peek_type(v, t)) return false;
    if (t == json_type::null) return true;
    if (t != json_type::string) return fail(OpenRtbErrc::wrong_type, "expected a string");
    // The token runs from the opening quote to the next token, so it may
    // carry trailing whitespace after the closing quote.
    std::string_view token = v.raw_json_token();
    std::size_t close = token.rfind('"');
    if (close == 0 || close == std::string_view::npos) return fail_json(simdjson::UNCLOSED_STRING);
    out = token.substr(1, close - 1);
    return true;
}

bool ValueReader::read_flag(ondemand::value& v, std::optional<bool>& out) {
    json_type t{};
    if (!peek_type(v, t)) return false;
    switch (t) {
        case json_type::null:
            return true;
        case json_type::boolean: {
            bool b = false;
            if (auto e = v.get_bool().get(b)) return fail_json(e);
            out = b;
            return true;
        }
        case json_type::number: {
            std::int64_t i = 0;
            bool present = false;
            if (!read_int64(v, present, i)) return false;
            out = i != 0;
            return true;
        }
        default:
            return fail(OpenRtbErrc::wrong_type, "expected 0 or 1");
    }
}

bool ValueReader::read_integral_double(ondemand::value& v, std::int64_t& out) {
    double d = 0;
    if (auto e = v.get_double().get(d)) return fail_json(e);
    if (d != std::trunc(d)) return fail(OpenRtbErrc::wrong_type, "expected an integer");
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return fail(OpenRtbErrc::wrong_type, "integer out of range");
    out = static_cast<std::int64_t>(d);
    return true;
}

}  // namespace bidline::openrtb
