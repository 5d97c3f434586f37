#include "bidline/feeds/event_keys.h"

#include <cstring>

namespace bidline::feeds {

std::uint64_t join_key(const Event& e) {
    if (!e.bid_id.empty()) return text_key(e.bid_id.view());
    if (e.request_id.empty() || e.imp_id.empty()) return 0;
    // '\x1f' (unit separator) cannot appear unescaped in a JSON id, so
    // ("ab","c") and ("a","bc") stay apart.
    char buffer[EventText::kCapacity * 2 + 1];
    const std::size_t r = e.request_id.size();
    std::memcpy(buffer, e.request_id.view().data(), r);
    buffer[r] = '\x1f';
    std::memcpy(buffer + r + 1, e.imp_id.view().data(), e.imp_id.size());
    return text_key(std::string_view(buffer, r + 1 + e.imp_id.size()));
}

}  // namespace bidline::feeds
