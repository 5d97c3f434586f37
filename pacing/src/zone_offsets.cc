#include "bidline/pacing/zone_offsets.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bidline {
namespace {

std::int64_t be(std::string_view s, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    // Sign-extend: TZif times and offsets are two's complement.
    if (bytes < 8 && (v >> (bytes * 8 - 1)) & 1) v |= ~std::uint64_t{0} << (bytes * 8);
    return static_cast<std::int64_t>(v);
}

struct Header {
    std::int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

Header header_at(std::string_view s, std::size_t at) {
    if (s.size() < at + 44 || s.substr(at, 4) != "TZif") throw std::runtime_error("not a TZif file");
    return {be(s, at + 20, 4), be(s, at + 24, 4), be(s, at + 28, 4), be(s, at + 32, 4), be(s, at + 36, 4), be(s, at + 40, 4)};
}

std::size_t block_size(const Header& h, int time_bytes) {
    return static_cast<std::size_t>(h.timecnt * time_bytes + h.timecnt + h.typecnt * 6 + h.charcnt +
                                    h.leapcnt * (time_bytes + 4) + h.isstdcnt + h.isutcnt);
}

}  // namespace

ZoneOffsets ZoneOffsets::parse(std::string_view s) {
    const Header v1 = header_at(s, 0);
    if (s[4] < '2') throw std::runtime_error("TZif version 1 files are not supported");
    const std::size_t at = 44 + block_size(v1, 4);  // skip the 32-bit block
    const Header h = header_at(s, at);
    if (h.typecnt <= 0 || s.size() < at + 44 + block_size(h, 8)) throw std::runtime_error("truncated TZif file");
    std::size_t p = at + 44;
    ZoneOffsets z;
    z.transitions_.resize(static_cast<std::size_t>(h.timecnt));
    for (auto& t : z.transitions_) t = be(s, p, 8), p += 8;
    std::vector<int> type_of(static_cast<std::size_t>(h.timecnt));
    for (auto& t : type_of) t = static_cast<unsigned char>(s[p++]);
    std::vector<std::int32_t> type_offset(static_cast<std::size_t>(h.typecnt));
    for (auto& o : type_offset) o = static_cast<std::int32_t>(be(s, p, 4)), p += 6;
    for (int t : type_of) {
        if (t >= h.typecnt) throw std::runtime_error("TZif transition names an unknown type");
        z.offset_after_.push_back(type_offset[static_cast<std::size_t>(t)]);
    }
    // RFC 8536 §3.2: local time before the first transition uses type 0.
    z.initial_ = type_offset[0];
    return z;
}

ZoneOffsets ZoneOffsets::load(std::string_view name, const std::string& dir) {
    if (name.empty() || name == "UTC" || name == "Etc/UTC") return utc();
    if (name.front() == '/' || name.find("..") != std::string_view::npos) throw std::runtime_error("bad zone name");
    std::ifstream f(dir + std::string(name), std::ios::binary);
    if (!f) throw std::runtime_error("unknown time zone " + std::string(name));
    std::stringstream bytes;
    bytes << f.rdbuf();
    return parse(bytes.str());
}

std::int32_t ZoneOffsets::offset_at(std::int64_t utc_seconds) const {
    const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
    if (it == transitions_.begin()) return initial_;
    return offset_after_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

}  // namespace bidline
