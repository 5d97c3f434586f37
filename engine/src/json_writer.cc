#include "bidline/engine/json_writer.h"

#include <cmath>
#include <cstdio>

namespace bidline {

void append_json_escaped(std::string& out, std::string_view s) {
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
}

void JsonWriter::string_raw(std::string_view s) {
    out_ += '"';
    append_json_escaped(out_, s);
    out_ += '"';
}

namespace {
void append_double(std::string& out, double v, const char* format) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    out += buf;
}
}  // namespace

JsonWriter& JsonWriter::value(double v) {
    sep();
    append_double(out_, v, "%.6g");
    return *this;
}

JsonWriter& JsonWriter::exact(double v) {
    sep();
    append_double(out_, v, "%.17g");
    return *this;
}

}  // namespace bidline
