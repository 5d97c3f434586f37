#include "bidline/engine/verified_key_cache.h"

#include <sodium.h>

#include <algorithm>

namespace bidline {

VerifiedKeyCache::~VerifiedKeyCache() { sodium_memzero(entries_.data(), sizeof entries_); }

const ApiKey* VerifiedKeyCache::find(std::string_view token) const {
    if (token.size() != kKeyLength) return nullptr;
    for (const Entry& e : entries_)
        if (e.key != nullptr && sodium_memcmp(e.token.data(), token.data(), kKeyLength) == 0) return e.key;
    return nullptr;
}

void VerifiedKeyCache::remember(std::string_view token, const ApiKey* key) {
    if (token.size() != kKeyLength || key == nullptr) return;
    Entry& e = entries_[next_];
    next_ = (next_ + 1) % kEntries;
    std::copy(token.begin(), token.end(), e.token.begin());
    e.key = key;
}

}  // namespace bidline
