// Typed reads of simdjson On-Demand values with OpenRTB's leniency rules, and
// the bookkeeping that lets any failure name its field: every read returns
// false after recording an OpenRtbError (code, static message, field path).
//
// Leniency, in one place so that every field behaves alike:
// - JSON null reads as "absent" (exchanges send `"banner": null`);
// - integer fields accept integral floats (`"w": 300.0`);
// - flags (OpenRTB's 0/1 ints) also accept JSON booleans;
// - unknown keys are skipped by On-Demand without being materialised;
// - an `ext` that is not an object is ignored (see each_ext_field).
// Not lenient: a known field of the wrong JSON type is `wrong_type`.
//
// One reader per parse() call, on the shard's thread.
#pragma once

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "bidline/engine/bid_request.h"
#include "bidline/engine/openrtb_parser.h"
#include "openrtb_field_path.h"

namespace bidline::openrtb {

namespace ondemand = simdjson::ondemand;
using simdjson::ondemand::json_type;

class ValueReader {
public:
    explicit ValueReader(OpenRtbError& error) : error_(error) {}

    FieldPath& path() { return path_; }

    // Records the error at the current path; always returns false so that
    // callers can `return reader.fail(...)`.
    bool fail(OpenRtbErrc code, std::string_view message);
    // A simdjson error: the document is malformed (not_json), except for a
    // type mismatch, which is the request's fault rather than the JSON's.
    bool fail_json(simdjson::error_code code);

    // Calls on_field(key, value) for each field in document order; On-Demand
    // skips whatever on_field leaves unread. `present` is false for null.
    // On failure the path is left as it was: the error has already rendered it.
    template <class OnField>
    [[nodiscard]] bool each_field(ondemand::value& v, bool& present, OnField&& on_field) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        present = t != json_type::null;
        if (!present) return true;
        if (t != json_type::object) return fail(OpenRtbErrc::wrong_type, "expected an object");
        ondemand::object obj;
        if (auto e = v.get_object().get(obj)) return fail_json(e);
        return each_field_of(obj, on_field);
    }
    template <class OnField>
    [[nodiscard]] bool each_field(ondemand::value& v, OnField&& on_field) {
        bool present = false;
        return each_field(v, present, on_field);
    }

    // `ext` objects are exchange-specific and read only opportunistically
    // (for 2.5 locations), so one that is not an object is skipped, not rejected.
    template <class OnField>
    [[nodiscard]] bool each_ext_field(ondemand::value& v, OnField&& on_field) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        if (t != json_type::object) return true;
        return each_field(v, on_field);
    }

    template <class OnField>
    [[nodiscard]] bool each_field_of(ondemand::object& obj, OnField&& on_field) {
        path_.enter_object();
        for (auto result : obj) {
            ondemand::field field;
            if (auto e = std::move(result).get(field)) {
                path_.set_key({});
                return fail_json(e);
            }
            std::string_view key;
            if (!read_key(field, key)) return false;
            path_.set_key(key);
            if (!on_field(key, field.value())) return false;
        }
        path_.leave_object();
        return true;
    }

    // Calls on_element(value) for each element; the path shows `[i]`.
    template <class OnElement>
    [[nodiscard]] bool each_element(ondemand::value& v, OnElement&& on_element) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        if (t == json_type::null) return true;
        if (t != json_type::array) return fail(OpenRtbErrc::wrong_type, "expected an array");
        ondemand::array arr;
        if (auto e = v.get_array().get(arr)) return fail_json(e);
        std::int32_t i = 0;
        for (auto result : arr) {
            ondemand::value element;
            if (auto e = result.get(element)) return fail_json(e);
            path_.set_index(i++);
            if (!on_element(element)) return false;
        }
        path_.clear_index();
        return true;
    }

    // Unescaped; the view points into simdjson's string buffer, which lives
    // until the parser's next iterate() (i.e. the next request).
    [[nodiscard]] bool read_string(ondemand::value& v, std::string_view& out) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        if (t == json_type::null) return true;
        if (t != json_type::string) return fail(OpenRtbErrc::wrong_type, "expected a string");
        if (auto e = v.get_string().get(out)) return fail_json(e);
        return true;
    }

    // The string's bytes as they appear in the JSON, escapes included (no copy).
    [[nodiscard]] bool read_escaped_string(ondemand::value& v, std::string_view& out);

    template <class T>
    [[nodiscard]] bool read_uint(ondemand::value& v, T& out) {
        static_assert(std::numeric_limits<T>::is_integer && !std::numeric_limits<T>::is_signed);
        std::int64_t i = 0;
        bool present = false;
        if (!read_int64(v, present, i)) return false;
        if (!present) return true;
        if (i < 0 || static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max())
            return fail(OpenRtbErrc::wrong_type, "integer out of range");
        out = static_cast<T>(i);
        return true;
    }

    [[nodiscard]] bool read_int32(ondemand::value& v, std::int32_t& out) {
        std::int64_t i = 0;
        bool present = false;
        if (!read_int64(v, present, i)) return false;
        if (!present) return true;
        if (i < std::numeric_limits<std::int32_t>::min() || i > std::numeric_limits<std::int32_t>::max())
            return fail(OpenRtbErrc::wrong_type, "integer out of range");
        out = static_cast<std::int32_t>(i);
        return true;
    }

    [[nodiscard]] bool read_double(ondemand::value& v, double& out) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        if (t == json_type::null) return true;
        if (t != json_type::number) return fail(OpenRtbErrc::wrong_type, "expected a number");
        if (auto e = v.get_double().get(out)) return fail_json(e);
        return true;
    }

    [[nodiscard]] bool read_flag(ondemand::value& v, bool& out) {
        std::optional<bool> flag;
        if (!read_flag(v, flag)) return false;
        if (flag) out = *flag;
        return true;
    }
    [[nodiscard]] bool read_flag(ondemand::value& v, std::optional<bool>& out);

    template <std::size_t N>
    [[nodiscard]] bool read_strings(ondemand::value& v, SmallList<std::string_view, N>& out) {
        return each_element(v, [&](ondemand::value& element) {
            json_type t{};
            if (!peek_type(element, t)) return false;
            if (t == json_type::null) return true;  // absent, like null anywhere else
            std::string_view s;
            if (!read_string(element, s)) return false;
            out.push(s);
            return true;
        });
    }

    template <class T, std::size_t N>
    [[nodiscard]] bool read_uints(ondemand::value& v, SmallList<T, N>& out) {
        return each_element(v, [&](ondemand::value& element) {
            json_type t{};
            if (!peek_type(element, t)) return false;
            if (t == json_type::null) return true;
            T x{};
            if (!read_uint(element, x)) return false;
            out.push(x);
            return true;
        });
    }

    // For lists the bid path only needs to know the size of (eids, schain nodes).
    [[nodiscard]] bool count_elements(ondemand::value& v, std::uint16_t& out) {
        return each_element(v, [&](ondemand::value&) {
            if (out < std::numeric_limits<std::uint16_t>::max()) ++out;
            return true;
        });
    }

private:
    [[nodiscard]] bool peek_type(ondemand::value& v, json_type& t) {
        if (auto e = v.type().get(t)) return fail_json(e);
        return true;
    }

    // Integers, or floats with an integral value; `present` is false for null.
    [[nodiscard]] bool read_int64(ondemand::value& v, bool& present, std::int64_t& out) {
        json_type t{};
        if (!peek_type(v, t)) return false;
        present = t != json_type::null;
        if (!present) return true;
        if (t != json_type::number) return fail(OpenRtbErrc::wrong_type, "expected an integer");
        auto e = v.get_int64().get(out);
        if (e == simdjson::SUCCESS) return true;
        if (e != simdjson::INCORRECT_TYPE) return fail_json(e);
        return read_integral_double(v, out);  // "300.0", or beyond int64
    }
    [[nodiscard]] bool read_integral_double(ondemand::value& v, std::int64_t& out);

    // Known keys are short and unescaped: read the raw bytes up to the closing
    // quote (stage 1 guarantees it exists) instead of copying via unescaped_key().
    [[nodiscard]] bool read_key(ondemand::field& field, std::string_view& key) {
        const char* s = field.key().raw();
        std::size_t n = 0;
        for (; s[n] != '"'; ++n) {
            if (s[n] == '\\') {
                if (auto e = field.unescaped_key().get(key)) return fail_json(e);
                return true;
            }
        }
        key = std::string_view(s, n);
        return true;
    }

    OpenRtbError& error_;
    FieldPath path_;
};

}  // namespace bidline::openrtb
