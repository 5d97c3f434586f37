// A small JSON builder for responses off the hot path (stats, admin,
// errors): appends to a std::string, escapes strings, inserts commas.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bidline {

class JsonWriter {
public:
    JsonWriter& begin_object() { sep(); out_ += '{'; first_ = true; return *this; }
    JsonWriter& end_object() { out_ += '}'; first_ = false; return *this; }
    JsonWriter& begin_array() { sep(); out_ += '['; first_ = true; return *this; }
    JsonWriter& end_array() { out_ += ']'; first_ = false; return *this; }
    JsonWriter& key(std::string_view k) { sep(); string_raw(k); out_ += ':'; first_ = true; return *this; }
    JsonWriter& value(std::string_view s) { sep(); string_raw(s); return *this; }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(bool b) { sep(); out_ += b ? "true" : "false"; return *this; }
    JsonWriter& value(std::int64_t v) { sep(); out_ += std::to_string(v); return *this; }
    JsonWriter& value(std::uint64_t v) { sep(); out_ += std::to_string(v); return *this; }
    JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
    JsonWriter& value(double v);  // 6 significant digits: for people and dashboards
    JsonWriter& exact(double v);  // 17: reads back bit for bit (saved state)
    JsonWriter& null() { sep(); out_ += "null"; return *this; }
    // Inserts already-serialised JSON.
    JsonWriter& raw(std::string_view json) { sep(); out_ += json; return *this; }

    template <class T>
    JsonWriter& field(std::string_view k, const T& v) { key(k); return value(v); }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void sep() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    void string_raw(std::string_view s);
    std::string out_;
    bool first_ = true;
};

// Escapes `s` for inclusion inside a JSON string (without the quotes).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace bidline
