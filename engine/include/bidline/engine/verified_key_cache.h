// A shard's few most recently verified API keys, so a connection that sends
// the same key on every request pays one BLAKE2b (≈0.2–0.4 µs) once, then a
// constant-time compare of 84 bytes (tens of ns) per request. Only keys that
// verified are cached (a stranger's guesses cannot evict anything useful for
// long, and never get in); entries are wiped when the shard's Router goes.
//
// Threads: one per shard (a Router member), used only on its thread: no
// locks, no atomics, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "bidline/engine/api_keys.h"

namespace bidline {

class VerifiedKeyCache {
public:
    static constexpr std::size_t kEntries = 8;
    static constexpr std::size_t kKeyLength = 84;  // bl_ + 16 hex + _ + 64 hex

    VerifiedKeyCache() = default;
    ~VerifiedKeyCache();
    VerifiedKeyCache(const VerifiedKeyCache&) = delete;
    VerifiedKeyCache& operator=(const VerifiedKeyCache&) = delete;

    // The key `token` verified as before, or null.
    [[nodiscard]] const ApiKey* find(std::string_view token) const;
    void remember(std::string_view token, const ApiKey* key);

private:
    struct Entry {
        std::array<char, kKeyLength> token{};
        const ApiKey* key = nullptr;  // entries of the engine's ApiKeyTable, which lives as long as the shards
    };
    std::array<Entry, kEntries> entries_{};
    std::size_t next_ = 0;  // round-robin replacement
};

}  // namespace bidline
